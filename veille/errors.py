"""Errors of the application.

VeilleError
├── ConfigError (also ValueError)   invalid settings or catalogue
└── SourceError                     one source failed; others go on
    ├── FetchError                  network, HTTP status, size cap
    ├── FeedParseError              not a feed, unreadable feed
    │   └── FeedTurnedHtml          the feed's address now answers a web page
    └── PageExtractError            watched page unusable
        └── SelectorNotFound        the CSS selector matched nothing
"""


class VeilleError(Exception):
    """Root of the application's errors; its message is shown to users."""


class ConfigError(VeilleError, ValueError):
    """The configuration (settings or ``sources.toml``) is invalid."""


class SourceError(VeilleError):
    """Collecting one source failed."""


class FetchError(SourceError):
    """The source could not be fetched."""


class FeedParseError(SourceError):
    """The fetched body is not a usable feed."""


class FeedTurnedHtml(FeedParseError):
    """A feed's address answers an HTML page; ``suggested_url`` is where it seems to be."""

    def __init__(self, message: str, suggested_url: str | None = None) -> None:
        super().__init__(message)
        self.suggested_url = suggested_url


class PageExtractError(SourceError):
    """The watched page could not be reduced to its text."""


class SelectorNotFound(PageExtractError):
    """The page's CSS selector matched nothing."""
