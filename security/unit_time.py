"""The unit's time zone (setting ``UNIT_TIMEZONE``): the audit trail stores UTC, people read
and type times of their own clock. Checked at start-up, so a misspelt zone never reaches a page."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context

DEFAULT = "Asia/Shanghai"


def zone_of(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"UNIT_TIMEZONE must name an IANA time zone such as {DEFAULT}; it is {name!r}.") from None


def init_app(app) -> None:
    app.extensions["unit_timezone"] = zone_of(app.config.get("UNIT_TIMEZONE") or DEFAULT)


def unit_zone() -> ZoneInfo:
    if has_app_context() and "unit_timezone" in current_app.extensions:
        return current_app.extensions["unit_timezone"]
    return ZoneInfo(DEFAULT)


def local_text(utc_text: str | None) -> str:
    """Stored UTC ISO text as the unit's wall-clock time, to the second."""
    if not utc_text:
        return ""
    try:
        moment = datetime.fromisoformat(utc_text.replace("Z", "+00:00"))
    except ValueError:
        return utc_text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(unit_zone()).strftime("%Y-%m-%d %H:%M:%S")


def utc_text(local: str) -> str | None:
    """A time typed in the unit's zone (a date, or date and time to the minute or second)
    as stored UTC ISO text, comparable with the stored values; None if it is no time."""
    text = (local or "").strip().replace("T", " ")
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            moment = datetime.strptime(text, pattern)
        except ValueError:
            continue
        moment = moment.replace(tzinfo=unit_zone()).astimezone(timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return None
