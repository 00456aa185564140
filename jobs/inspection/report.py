"""Generating an inspection report (§10.1 定期检查): the three parts for a period and
scope, the findings they raise, the rectification items still open, sealed and kept."""

import json
from datetime import date, datetime

from sqlalchemy import select

from models.db import db
from models.inspection import InspectionReport, RectificationItem
from security import audit

from . import access, content, signing, storage
from .period import Period, previous_month

FORMAT = 1
PARTS = (("content", content.figures), ("storage", storage.figures), ("access", access.figures))


def _content_findings(parts: dict) -> list[dict]:
    c = parts["content"]
    found = []
    if c["completeness"]["with_findings"]:
        found.append({"key": "content.completeness", "values": {"officials": c["completeness"]["with_findings"]}})
    if c["timeliness"]["receipts_overdue"] or c["timeliness"]["entries_overdue"]:
        found.append({"key": "content.backlog", "values": {"receipts": c["timeliness"]["receipts_overdue"],
                                                           "entries": c["timeliness"]["entries_overdue"]}})
    return found


def _storage_findings(parts: dict) -> list[dict]:
    s = parts["storage"]
    found = []
    if s["fixity"]["failed_runs"]:
        found.append({"key": "storage.fixity", "values": {"runs": s["fixity"]["failed_runs"]}})
    for target, copies in s["backups"]["targets"].items():
        if copies["failed"]:
            found.append({"key": "storage.backup", "values": {"target": target, "failed": copies["failed"]}})
    for target, tests in s["backups"]["restore_tests"].items():
        if tests["failed"]:
            found.append({"key": "storage.restore_test", "values": {"target": target, "failed": tests["failed"]}})
    if not s["audit"]["ok"]:
        found.append({"key": "storage.audit", "values": {"event": s["audit"]["first_bad_event"]}})
    if s["four_property"] and not s["four_property"]["ok"]:
        found.append({"key": "storage.four_property", "values": {"items": ", ".join(s["four_property"]["failed"])}})
    if s["scanning"]["infected"]:
        found.append({"key": "storage.infected", "values": {"files": s["scanning"]["infected"]}})
    return found


def _access_findings(parts: dict) -> list[dict]:
    a = parts["access"]
    found = []
    if a["denied"]["access_denied"]:
        found.append({"key": "access.denied", "values": {"events": a["denied"]["access_denied"]}})
    if a["sign_in"]["lockout"]:
        found.append({"key": "access.lockouts", "values": {"events": a["sign_in"]["lockout"]}})
    if a["outside_hours"]["events"]:
        found.append({"key": "access.outside_hours", "values": {"events": a["outside_hours"]["events"],
                                                                "accounts": a["outside_hours"]["accounts"]}})
    for entry in a["unusual_volumes"]:
        found.append({"key": f"access.unusual:{entry['actor']}:{entry['day']}", "kind": "access.unusual",
                      "values": entry})
    return found


FINDERS = (_content_findings, _storage_findings, _access_findings)


def gather(period: Period) -> dict:
    parts = {name: build(period) for name, build in PARTS}
    findings = [finding for finder in FINDERS for finding in finder(parts)]
    for finding in findings:
        finding.setdefault("kind", finding["key"])
    open_items = db.session.scalars(select(RectificationItem).where(RectificationItem.state == "open")
                                    .order_by(RectificationItem.due_on)).all()
    return {
        "format": FORMAT,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "department": period.department_id,
        "generated_at": datetime.now().isoformat(timespec="seconds"),
        "parts": parts,
        "findings": findings,
        "open_rectifications": [{"id": i.id, "report": i.report_id, "title": i.title, "role": i.assigned_role,
                                 "due_on": i.due_on.isoformat(), "overdue": i.due_on < date.today()}
                                for i in open_items],
    }


def encode(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def generate(period: Period, trigger: str, user=None) -> InspectionReport:
    body = encode(gather(period))
    sha, signature = signing.seal(body)
    report = InspectionReport(period_start=period.start, period_end=period.end, department_id=period.department_id,
                              trigger=trigger, generated_by_id=getattr(user, "id", None), body=body, sha256=sha,
                              signature=signature)
    db.session.add(report)
    db.session.flush()
    actor = user if user is not None else ("scheduler" if trigger == "schedule" else "cli")
    audit.record("inspection_report", object_type="inspection_report", object_id=report.id, actor=actor,
                 details={"start": period.start.isoformat(), "end": period.end.isoformat(),
                          "department": period.department_id, "sha256": sha})
    db.session.commit()
    return report


def scheduled_report(today: date | None = None) -> InspectionReport:
    """The previous calendar month's report, once (a rerun of the job finds it there)."""
    period = previous_month(today or date.today())
    existing = db.session.scalar(select(InspectionReport).where(
        InspectionReport.period_start == period.start, InspectionReport.period_end == period.end,
        InspectionReport.department_id.is_(None), InspectionReport.trigger == "schedule"))
    return existing or generate(period, "schedule")


def body_of(report: InspectionReport) -> dict:
    return json.loads(report.body)
