"""Errors of the newsletter package.

NewsletterError
├── WeekError          a week that is not YYYY-Www
├── RenderError        a template failed to render
├── ImportFileError    a subscribers CSV that cannot be imported (also ValueError)
├── LinkError          a signed link that is invalid or expired
└── DeliveryError      the SMTP server cannot be used for this run
    ├── TemporaryFailure   4xx: try again later
    │   └── ConnectionLost     the server dropped or refused the connection
    └── PermanentFailure   5xx: this address refuses the message
"""


class NewsletterError(Exception):
    """Root of the newsletter's errors; the message is shown to users (in French)."""


class WeekError(NewsletterError, ValueError):
    """The week is not an ISO week written YYYY-Www."""


class RenderError(NewsletterError):
    """A template could not be rendered."""


class ImportFileError(NewsletterError, ValueError):
    """A subscribers file is invalid; nothing was imported."""


class LinkError(NewsletterError):
    """A signed link is invalid, altered or expired."""


class DeliveryError(NewsletterError):
    """Sending cannot go on (server unreachable, refused authentication…)."""


class TemporaryFailure(DeliveryError):
    """The server answered 4xx: retry later."""


class PermanentFailure(DeliveryError):
    """The server answered 5xx for this recipient: do not retry."""


class ConnectionLost(TemporaryFailure):
    """The SMTP connection dropped or could not be opened."""
