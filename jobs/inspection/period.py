"""A report's period and scope, and the bounds every part filters by."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    department_id: int | None = None

    @property
    def since(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def until(self) -> datetime:
        """The first instant after the period (local time, as the product's own timestamps are)."""
        return datetime.combine(self.end + timedelta(days=1), time.min)

    def audit_bounds(self) -> tuple[str, str]:
        """The period in the audit trail's UTC text timestamps."""
        def utc(moment: datetime) -> str:
            return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

        return utc(self.since), utc(self.until)


def previous_month(today: date) -> Period:
    end = today.replace(day=1) - timedelta(days=1)
    return Period(end.replace(day=1), end)
