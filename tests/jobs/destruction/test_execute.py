"""Executing an approved destruction list (§9.2.3): the archivist with a supervisor removes
whole dossiers and single materials in one transaction, then shreds their keys everywhere
(backups included) and removes their files; refused, nothing changes; killed, it resumes."""

import json
from datetime import date

import pytest
from sqlalchemy import select, text

from jobs.backup import keyrings, runs
from jobs.destruction import DestructionRefused, execute, remaining
from models import Material, Official
from models.disposal import Hold
from models.storage import attachments
from security.keys import ShreddedKey, keyring
from tests.jobs.destruction.helpers import counts, row_count, rows_of, stored_files

PER_FILE_KEYS = "file_key_id" in Material.__table__.c


def test_a_whole_dossier_goes_from_every_table_its_key_from_every_keyring_its_files_from_the_store(
        app, db, users, full_dossier, approved_list, make_material, backup_targets):
    from models import Material
    from security.audit_verify import verify

    official, other = full_dossier(), full_dossier()
    official_id, name, citizen_id = official.id, official.name, official.citizen_id
    files = [m.stored_sha256 for m in db.session.scalars(select(Material).where(Material.official_id == official_id)
                                                             .execution_options(include_pending=True))]
    assert len(files) == 2 and rows_of(db, official_id)["work_experience_version"]
    assert runs.run_backup(full=True).state == "succeeded"
    assert all(official_id in {e[0] for e in keyrings.newest(t)["data_keys"]} for t in backup_targets)
    listed = approved_list(official)
    assert (row_count(db, "review_decision"), row_count(db, "consultation_reading")) == (4, 2)

    report = execute(db.session, listed, users["archivist"], users["unit_head"])

    assert rows_of(db, official_id) == {}
    assert rows_of(db, other.id)["material"] == 2  # the other dossier is untouched
    # Rows that name the dossier's rows without an official_id went too: the other dossier's stay.
    assert (row_count(db, "review_decision"), row_count(db, "consultation_reading")) == (2, 1)
    with pytest.raises(ShreddedKey):
        keyring().dek(official_id, fresh=True)
    for target in backup_targets:
        for generation in keyrings.generations(target):
            assert official_id not in {e[0] for e in json.loads(generation.read_text())["data_keys"]}
    assert not any(attachments.path_of(sha).exists() for sha in files)
    assert report["keys"] == {str(official_id): {"shredded": True,
                                                 "targets": {str(t): "done" for t in backup_targets}}}
    assert set(report["files"].values()) == {"removed"} and report["rows"]["official"] == 1
    assert report["consultations"] and remaining(listed) == []
    db.session.refresh(listed)
    assert listed.state == "executed" and listed.executor_id == users["archivist"].id
    assert listed.supervisor_id == users["unit_head"].id and all(i.done_at for i in listed.items)
    # Until when older snapshots hold the rows in clear: the backup retention policy says.
    from jobs.backup.retention import snapshots_gone_by

    gone_by = snapshots_gone_by(listed.executed_at)
    assert gone_by is not None and report["snapshots_gone_by"] == gone_by.isoformat()

    # The trail still verifies, and nothing in it holds the destroyed content.
    assert verify(db.session).ok
    events = db.session.execute(text("SELECT action, details FROM audit_event")).all()
    assert not any(name in details or citizen_id in details for _action, details in events)
    executed = json.loads([d for a, d in events if a == "destruction_executed"][-1])
    assert executed["officials"] == [official_id] and executed["rows"]["official"] == 1


def test_a_single_material_goes_with_its_versions_and_requests_and_the_catalogue_closes_the_gap(
        db, users, make_official, make_material, approved_list):
    from models import ChangeRequest, Material

    official = make_official()
    first, doomed, last = (make_material(official=official, formed_on=date(2010 + i, 1, 1), title=f"材料{i}")
                           for i in range(3))
    # A second catalogue entry filed with the same stored bytes keeps the file.
    shared = make_material(official=official, material_class="2", stored_sha256=first.stored_sha256)
    request = ChangeRequest(table_name="material", record_id=doomed.id, official_id=official.id,
                            proposed='{"title": "x"}', original="{}", review_state="draft")
    db.session.add(request)
    db.session.commit()
    doomed_id, doomed_file, request_id = doomed.id, doomed.stored_sha256, request.id
    assert [first.sequence, doomed.sequence, last.sequence] == [1, 2, 3]
    one = approved_list(doomed)
    two = approved_list(first)

    execute(db.session, one, users["archivist"], users["inspector"])
    report = execute(db.session, two, users["archivist"], users["inspector"])

    assert db.session.execute(text("SELECT count(*) FROM material WHERE id = :id"), {"id": doomed_id}).scalar() == 0
    assert db.session.execute(text("SELECT count(*) FROM material_version WHERE id = :id"), {"id": doomed_id}).scalar() == 0
    assert db.session.get(ChangeRequest, request_id) is None
    assert db.session.execute(text("SELECT count(*) FROM change_request_version WHERE id = :id"),
                              {"id": request_id}).scalar() == 0
    db.session.expire_all()
    kept = db.session.scalars(select(Material).where(Material.official_id == official.id)
                              .order_by(Material.material_class, Material.sequence)).all()
    assert [(m.material_class, m.sequence, m.id) for m in kept] == [("1", 1, last.id), ("2", 1, shared.id)]
    assert not attachments.path_of(doomed_file).exists()
    assert attachments.path_of(first.stored_sha256).exists() and report["files"] == {first.stored_sha256: "still referenced"}
    # The official keeps the data key the remaining materials need.
    keyring().dek(official.id, fresh=True)
    assert report["keys"] == {}


def test_a_held_item_is_refused_at_execution_naming_the_hold_and_nothing_changes(
        db, users, make_official, make_material, approved_list):
    official = make_official()
    material, other = make_material(official=official), make_material(official=official, material_class="2")
    listed = approved_list(official, other)
    # Placed after approval: execution checks again.
    hold = Hold(kind="material", official_id=official.id, material_id=material.id, reason="纪律审查",
                ordered_by="市纪委监委", placed_by_id=users["archivist"].id)
    db.session.add(hold)
    db.session.commit()
    before, files = counts(db), stored_files()

    with pytest.raises(DestructionRefused) as refused:
        execute(db.session, listed, users["archivist"], users["unit_head"])

    assert refused.value.code == "held"
    assert f"{hold.id}" in str(refused.value) and "市纪委监委" in str(refused.value) and "纪律审查" in str(refused.value)
    assert counts(db) == before and stored_files() == files
    db.session.refresh(listed)
    assert listed.state == "approved" and listed.execution_report is None
    keyring().dek(official.id, fresh=True)


@pytest.mark.parametrize("who", ["same", "clerk"])
def test_the_executor_must_be_an_archivist_and_the_supervisor_another_person(
        db, users, make_official, approved_list, who):
    official = make_official()
    listed = approved_list(official)
    before = counts(db)
    executor = users["archivist"] if who == "same" else users["clerk"]
    with pytest.raises(DestructionRefused) as refused:
        execute(db.session, listed, executor, users["archivist"] if who == "same" else users["unit_head"])
    assert refused.value.code == ("same_person" if who == "same" else "not_permitted")
    assert executor.username in str(refused.value)
    assert counts(db) == before


def test_a_list_not_approved_is_refused(db, users, make_official, approved_list):
    listed = approved_list(make_official())
    listed.state = "submitted"
    db.session.commit()
    with pytest.raises(DestructionRefused) as refused:
        execute(db.session, listed, users["archivist"], users["unit_head"])
    assert refused.value.code == "state"


def test_a_run_killed_after_the_commit_resumes_and_a_finished_one_changes_nothing(
        db, users, make_official, make_material, approved_list, backup_targets, monkeypatch):
    official = make_official()
    material = make_material(official=official)
    assert runs.run_backup(full=True).state == "succeeded"
    listed = approved_list(official)
    official_id, name, stored = official.id, official.name, material.stored_sha256
    real_purge, calls = keyrings.purge, []

    def killed_once(targets, official_id):
        calls.append(list(targets))
        if len(calls) == 1:
            raise KeyboardInterrupt("the process was killed")
        return real_purge(targets, official_id)

    monkeypatch.setattr(keyrings, "purge", killed_once)
    with pytest.raises(KeyboardInterrupt):
        execute(db.session, listed, users["archivist"], users["unit_head"])

    db.session.refresh(listed)
    assert listed.state == "executed"  # the database part committed
    left = remaining(listed)
    # Two targets' keyrings, the file, and (per-file keys) the file's key and its two purges.
    assert len(left) == (6 if PER_FILE_KEYS else 3), left
    assert all(name not in line for line in left)
    assert attachments.path_of(stored).exists()
    assert official_id in {e[0] for e in keyrings.newest(backup_targets[0])["data_keys"]}
    with pytest.raises(ShreddedKey):  # the key store's copy went before the crash
        keyring().dek(official_id, fresh=True)

    result = app_cli(db, ["status", str(listed.id)])
    assert result.exit_code == 1 and str(backup_targets[0]) in result.output and "密钥环" in result.output

    report = execute(db.session, listed, users["archivist"], users["unit_head"])
    assert remaining(listed) == [] and set(report["keys"][str(official_id)]["targets"].values()) == {"done"}
    assert all(official_id not in {e[0] for e in keyrings.newest(t)["data_keys"]} for t in backup_targets)
    assert not attachments.path_of(stored).exists()

    before = counts(db)
    assert execute(db.session, listed, users["archivist"], users["unit_head"]) == report
    assert counts(db) == before


def test_an_unreachable_target_is_reported_and_the_next_backup_completes_the_purge(
        db, users, make_official, make_material, approved_list, backup_targets):
    import shutil

    official_id = make_official().id
    make_material(official=db.session.get(Official, official_id))
    assert runs.run_backup(full=True).state == "succeeded"
    away = backup_targets[1].with_name("offsite-unmounted")
    backup_targets[1].rename(away)
    listed = approved_list(db.session.get(Official, official_id))
    report = execute(db.session, listed, users["archivist"], users["unit_head"])
    state = report["keys"][str(official_id)]["targets"][str(backup_targets[1])]
    assert state.startswith("failed") and "not reachable" in state
    left = remaining(listed)
    assert len(left) == (1 + PER_FILE_KEYS) and all(str(backup_targets[1]) in line for line in left), left
    away.rename(backup_targets[1])
    # The next backup reconciles every target's keyrings against the key store's tombstones.
    runs.run_backup()
    assert official_id not in {e[0] for g in keyrings.generations(backup_targets[1])
                               for e in json.loads(g.read_text())["data_keys"]}
    assert not {e[0] for g in keyrings.generations(backup_targets[1])
                for e in json.loads(g.read_text()).get("file_keys", [])} & {int(k) for k in report["file_keys"]}
    shutil.rmtree(away, ignore_errors=True)


def test_the_command_executes_a_list_and_refuses_in_the_users_language(db, users, make_official, approved_list):
    listed = approved_list(make_official())
    refused = app_cli(db, ["execute", str(listed.id), "--executor", "archivist", "--supervisor", "archivist"])
    assert refused.exit_code == 2 and "监销" in refused.output
    done = app_cli(db, ["execute", str(listed.id), "--executor", "archivist", "--supervisor", "unit_head"])
    assert done.exit_code == 0, done.output
    assert "nothing is left to do" in done.output


def app_cli(db, args):
    from flask import current_app

    db.session.rollback()
    result = current_app.test_cli_runner().invoke(args=["dossier", "destruction", *args])
    db.session.expire_all()
    return result


def test_a_section_record_goes_with_its_documents_and_a_held_document_stops_it_until_lifted(
        db, users, full_dossier, make_material, approved_list):
    from models import Material
    from models.training import Training, TrainingOutcome

    official = full_dossier()
    training = db.session.scalars(select(Training).where(Training.official_id == official.id)).first()
    outcome = db.session.scalars(select(TrainingOutcome).where(TrainingOutcome.official_id == official.id)).first()
    outcome.training_id = training.id
    supporting = make_material(official=official, material_class="4-1", record_table="training", record_id=training.id)
    held = make_material(official=official, material_class="4-1", record_table="training", record_id=training.id,
                         formed_on=date(2021, 1, 1))
    db.session.add(Hold(kind="material", official_id=official.id, material_id=held.id, reason="审计取证",
                        ordered_by="市审计局", placed_by_id=users["archivist"].id))
    db.session.commit()
    ids = {"training": training.id, "supporting": supporting.id, "held": held.id, "outcome": outcome.id}
    files = {"supporting": supporting.stored_sha256, "held": held.stored_sha256}
    listed = approved_list(training)

    # The held document keeps its record: the list is refused, naming the hold, and nothing goes.
    before = counts(db)
    with pytest.raises(DestructionRefused) as refused:
        execute(db.session, listed, users["archivist"], users["unit_head"])
    assert "市审计局" in str(refused.value) and counts(db) == before
    hold = db.session.scalar(select(Hold).where(Hold.material_id == ids["held"]))
    hold.lifted_at, hold.lifted_by_id, hold.lift_reason = date.today(), users["archivist"].id, "取证完毕"
    db.session.commit()

    execute(db.session, listed, users["archivist"], users["unit_head"])

    db.session.expire_all()
    assert db.session.get(Training, ids["training"]) is None
    assert row_count(db, f"training_version WHERE id = {ids['training']}") == 0
    for name in ("supporting", "held"):
        assert db.session.get(Material, ids[name], execution_options={"include_pending": True}) is None
        assert not attachments.path_of(files[name]).exists()
    # A training outcome that named the training stays, without the link.
    assert db.session.get(TrainingOutcome, ids["outcome"]).training_id is None
    keyring().dek(official.id, fresh=True)
