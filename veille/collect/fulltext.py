"""Full text of an article page with trafilatura; pure, safe to run in a worker."""

import trafilatura

MAX_CHARS = 100_000


def extract_main_text(body: bytes, url: str) -> str | None:
    """The main text of an article page, or None when nothing usable is found."""
    try:
        text = trafilatura.extract(
            body, url=url, include_comments=False, include_tables=False, favor_precision=True
        )
    except Exception:  # trafilatura can fail on odd markup; the summary is kept then
        return None
    return text[:MAX_CHARS] if text else None
