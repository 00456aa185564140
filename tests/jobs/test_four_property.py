"""The four-property self-check (DA/T 70-2018): all green on a freshly seeded instance
with filed documents, and red naming the item for each tampering."""

import json

import pytest
from sqlalchemy import select, text

from jobs import four_property
from models import AuditEvent
from models.storage import attachments
from tests.apps import DEMO_PASSWORD


@pytest.fixture
def seeded(db, make_material):
    from jobs.seed import seed
    from models import Official

    seed(4, DEMO_PASSWORD)
    official = db.session.query(Official).first()
    first = make_material(official, material_class="1")
    second = make_material(official, material_class="1", title="干部任免审批表")
    return official, first, second


def outcomes(check_run) -> dict:
    return {item.item: item.outcome for item in check_run.items}


def problems(check_run, key) -> list:
    row = next(item for item in check_run.items if item.item == key)
    return json.loads(row.detail)["problems"]


def failed(check_run) -> set:
    return {key for key, outcome in outcomes(check_run).items() if outcome == "fail"}


def test_green_on_a_freshly_seeded_instance(db, seeded):
    check_run = four_property.run("command")
    assert failed(check_run) == set(), four_property.render(check_run)
    assert check_run.ok
    assert set(outcomes(check_run)) == set(four_property.BY_KEY)
    # Something was really checked: every file, every approved record.
    counts = {item.item: item.checked for item in check_run.items}
    assert counts["file_hashes"] == counts["formats"] == 2
    assert counts["approved_versions"] > 4 * 10
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "four_property_check")
                               .order_by(AuditEvent.seq.desc())).first()
    assert event.object_id == str(check_run.id) and json.loads(event.details)["ok"] is True


def test_a_flipped_file_is_named(db, seeded):
    _official, first, _second = seeded
    path = attachments.path_of(first.stored_sha256)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    check_run = four_property.run("command")
    assert "file_hashes" in failed(check_run)
    assert [p["material"] for p in problems(check_run, "file_hashes")] == [first.id]
    assert not check_run.ok


def test_a_row_edited_behind_the_app_is_named(db, seeded):
    from models.career import WorkExperience

    record = db.session.query(WorkExperience).first()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE work_experience SET unit = :unit WHERE id = :id"), {"unit": "伪造单位", "id": record.id})
    check_run = four_property.run("command")
    assert failed(check_run) == {"approved_versions"}, four_property.render(check_run)
    assert problems(check_run, "approved_versions") == [{"table": "work_experience", "id": record.id}]


def test_a_removed_catalogue_number_is_named(db, seeded):
    official, first, _second = seeded
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE material SET sequence = NULL WHERE id = :id"), {"id": first.id})
    check_run = four_property.run("command")
    assert "numbering" in failed(check_run), four_property.render(check_run)
    assert problems(check_run, "numbering")[0]["official"] == official.id
    assert problems(check_run, "numbering")[0]["class"] == "1"


def test_the_command_prints_the_report_and_exits_non_zero_on_a_failure(app, db, seeded):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["dossier", "four-property"])
    assert result.exit_code == 0, result.output
    assert "ALL GREEN" in result.output
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE material SET sequence = 3 WHERE id = :id"), {"id": seeded[1].id})
    result = runner.invoke(args=["dossier", "four-property"])
    assert result.exit_code == 1
    assert "FAIL  integrity    numbering" in result.output
