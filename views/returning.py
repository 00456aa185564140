"""Where a saved (or deleted) record returns the user: the page they came from.

FAB sends every save to ``get_redirect()``, the page before the form in a history
kept in the session: one history, five pages deep, for every tab of the browser.
Another screen opened in between (a second tab, a language switch, the Back
button, a refused post on a page of a different URL) and the save lands there or,
the history spent, on the home page. So the form itself carries where it was
opened from (the ``next`` of its link, else the page that linked to it), and the
post returns there. Only a path on this site is followed: a scheme, a host
(``//host``), a backslash or a control character makes it no address at all,
never an open redirect.
"""

from urllib.parse import urlsplit

from flask import request

FIELD = "return_to"


def local(url: str | None) -> str | None:
    """``url`` as a path on this site (with its query), or None."""
    if not url or len(url) > 2000:
        return None
    if any(ord(c) < 32 or ord(c) == 127 or c == "\\" for c in url):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc != request.host:
            return None
        url = parts.path + ("?" + parts.query if parts.query else "")
        parts = urlsplit(url)
    # "//host" and "/\host" are other sites to a browser; a path must start with one slash.
    if not url.startswith("/") or url.startswith("//") or parts.scheme or parts.netloc:
        return None
    return url


def came_from() -> str:
    """Where the form being opened was opened from: its ``next``, else the linking page
    (not the form itself, which a re-rendered form would name). "" when unknown."""
    for candidate in (request.args.get("next"), request.referrer):
        url = local(candidate)
        if url and urlsplit(url).path != request.path:
            return url
    return ""


def posted() -> str | None:
    """The return address the posted form carries, if it is a path on this site."""
    return local(request.form.get(FIELD)) or local(request.args.get("next"))


def after_delete(record_paths: tuple[str, ...]) -> str | None:
    """Where a delete returns: the page it was asked from, unless that page was the
    deleted record's own (its show or edit page, gone with it)."""
    for candidate in (request.form.get("next"), request.args.get("next"), request.referrer):
        url = local(candidate)
        if url and urlsplit(url).path not in record_paths:
            return url
    return None
