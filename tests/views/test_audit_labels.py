"""The audit trail as the auditor reads it (views.audit, security.audit_registry): every action
and object type named in Chinese from the registry the writer enforces, times in the unit's
zone to the second, details as a table, and an official named only for whom may read them."""

import ast
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from security import audit, audit_registry
from security.audit_tables import AuditEvent
from security.unit_time import local_text, utc_text, zone_of
from views.audit import AuditEventView

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
# Callers whose action is a variable: the values it takes, each checked below too.
DYNAMIC = {
    "security/audit_hooks.py": {"create", "update", "delete", "review", "submit"},
    "security/session_guard.py": {"session_revoked", "session_expired"},
}


def _constants(node) -> set[str] | None:
    """The strings an action expression can be: constants, a ? b, and "prefix_" + (a ? b)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = _constants(node.body), _constants(node.orelse)
        return body | orelse if body is not None and orelse is not None else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _constants(node.left), _constants(node.right)
        if left is not None and right is not None:
            return {a + b for a in left for b in right}
    return None


def recorded_actions() -> tuple[set[str], set[str]]:
    """(every action code the product's code records, files whose action is not a literal)."""
    found, dynamic = set(), set()
    for package in ("app", "views", "jobs", "models", "security"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit" and node.args):
                    values = _constants(node.args[0])
                    relative = str(path.relative_to(ROOT))
                    if values is None:
                        dynamic.add(relative)
                    else:
                        found |= values
    for values in DYNAMIC.values():
        found |= values
    return found, dynamic


def test_every_action_the_code_records_is_registered_and_labelled_in_chinese(app):
    found, dynamic = recorded_actions()
    assert dynamic <= set(DYNAMIC), f"an action recorded from a variable: list its values in DYNAMIC: {dynamic}"
    assert len(found) > 50
    assert found - set(audit_registry.ACTIONS) == set()
    with app.test_request_context(), force_locale("zh"):
        for code, label in audit_registry.ACTIONS.items():
            assert CJK.search(str(label)), f"{code} has no Chinese label: {label}"
        for code, label in audit_registry.OBJECT_TYPES.items():
            assert CJK.search(str(label)), f"object type {code} has no Chinese label: {label}"
    with app.test_request_context(), force_locale("zh_Hant"):
        assert all(CJK.search(str(label)) for label in audit_registry.ACTIONS.values())


def test_submitting_is_labelled_apart_from_a_review_decision(app):
    with app.test_request_context(), force_locale("zh"):
        assert audit_registry.action_label("submit") == "提交"
        assert audit_registry.action_label("review") == "审核"


def test_the_writer_refuses_an_unregistered_action(db):
    before = db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    with pytest.raises(ValueError, match="not in security.audit_registry"):
        audit.record("made_up_thing", object_type="official", object_id="1", actor="test")
    db.session.rollback()
    assert db.session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) == before


def test_the_filter_offers_every_registered_action(login_as):
    assert [code for code, _ in AuditEventView.search_form_extra_fields["action"].kwargs["choices"]] \
        == list(audit_registry.ACTIONS)
    html = login_as("auditor").get("/auditeventview/list/").get_data(as_text=True)
    # FAB writes the filter's widgets into the page as JSON (quotes escaped).
    offered = set(re.findall(r'option value=\\"([a-z_]+)\\"', html))
    assert set(audit_registry.ACTIONS) <= offered


def test_a_clerks_submission_is_recorded_as_submitting(db, users, make_record, draft_of, login_as):
    from models.career import WorkExperience

    record = draft_of(make_record(WorkExperience), users["clerk"])
    login_as("clerk").post("/mydrafts/submit", data={"item": [f"work_experience:{record.id}"]})
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "review_decision")
                               .order_by(AuditEvent.seq.desc())).first()
    assert event.action == "submit" and json.loads(event.details)["decision"] == "submit"
    html = login_as("auditor").get(f"/auditeventview/show/{event.seq}").get_data(as_text=True)
    assert "提交" in html


def _event(db, **fields) -> AuditEvent:
    event = audit.record(fields.pop("action", "read"), actor="测试", **fields)
    db.session.commit()
    return event


def test_times_show_in_the_unit_zone_to_the_second_and_filter_so(db, login_as):
    event = _event(db, object_type="catalogue", object_id="1")
    at = datetime.strptime(event.at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    shanghai = (at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")
    client = login_as("auditor")
    html = client.get("/auditeventview/list/").get_data(as_text=True)
    assert shanghai in html and event.at not in html
    assert shanghai in client.get(f"/auditeventview/show/{event.seq}").get_data(as_text=True)
    # The filter takes what the screen shows: events after the second before this one include it.
    before = (at + timedelta(hours=8) - timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S")
    listed = client.get(f"/auditeventview/list/?_flt_0_at={before}").get_data(as_text=True)
    assert f'/auditeventview/show/{event.seq}"' in listed
    later = (at + timedelta(hours=8, minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
    listed = client.get(f"/auditeventview/list/?_flt_0_at={later}").get_data(as_text=True)
    assert f'/auditeventview/show/{event.seq}"' not in listed
    # Nonsense is refused with a message, never a failure.
    response = client.get("/auditeventview/list/?_flt_0_at=yesterday-ish")
    assert response.status_code == 200 and "不是有效时间" in response.get_data(as_text=True)


def test_unit_time_converts_both_ways_and_refuses_an_unknown_zone(app):
    with app.app_context():
        assert local_text("2026-11-25T16:30:15.123456Z") == "2026-11-26 00:30:15"
        assert utc_text("2026-11-26 00:30:15") == "2026-11-25T16:30:15.000000Z"
        assert utc_text("2026-11-26") == "2026-11-25T16:00:00.000000Z"
        assert utc_text("not a time") is None
    with pytest.raises(ValueError, match="UNIT_TIMEZONE"):
        zone_of("Mars/Olympus_Mons")
    from app import create_app

    # Checked at start-up: a misspelt zone never reaches a page.
    with pytest.raises(ValueError, match="UNIT_TIMEZONE"):
        create_app({"UNIT_TIMEZONE": "Asia/Shangai"})


def test_details_are_a_readable_table_without_secrets(db, login_as):
    event = _event(db, action="update", object_type="work_experience", object_id="5",
                   details={"fields": ["unit", "post"], "session_token": "s3cr3t-value"})
    html = login_as("auditor").get(f"/auditeventview/show/{event.seq}").get_data(as_text=True)
    table = html.split('class="table table-condensed audit-details"')[1].split("</table>")[0]
    assert "变更的字段" in table and "unit、post" in table
    assert "s3cr3t-value" not in html and '{"fields"' not in html
    assert "工作经历" in html  # the object type named by its section


def test_an_official_is_named_only_for_whom_may_read_them(app, db, users, make_official, login_as):
    from security.audit_display import prefetch_names

    d01, d03 = make_official(), make_official(department_code="D03")
    events = [_event(db, object_type="official", object_id=str(o.id)) for o in (d01, d03)]
    with app.test_request_context():
        # The whole unit's reviewer reads both; the clerk of D01 only D01's; the auditor nobody's.
        assert prefetch_names(events, users["hr_reviewer"]) == {d01.id: d01.name, d03.id: d03.name}
        assert prefetch_names(events, users["clerk"]) == {d01.id: d01.name}
        assert prefetch_names(events, users["auditor"]) == {}
    html = login_as("auditor").get("/auditeventview/list/").get_data(as_text=True)
    assert d01.name not in html and d03.name not in html
    assert f">{d01.id}<" in re.sub(r"\s+", "", html).replace("<td>", ">").replace("</td>", "<")
