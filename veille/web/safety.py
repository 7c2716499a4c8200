"""Redirect targets: only paths of this site, never another origin."""


def safe_next(target: str | None) -> str:
    """The path itself when it is local, else "/" (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
