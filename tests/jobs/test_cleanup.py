"""The archivist's data clean-up (§4.3.3): a dry run that changes nothing, a run that
removes exactly what it listed, drafts told first, and dossier content never touched."""

import json
import os
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from jobs import cleanup
from models import AuditChainHead, AuditEvent, ChangeRequest, CollectionReceipt, DraftNotice, Material, workflow
from models.career import WorkExperience
from models.cleanup import removal_dates
from models.db import db as _db
from models.storage import attachments

DAY = 24 * 3600


def age(path: Path, days: float) -> None:
    then = time.time() - days * DAY
    os.utime(path, (then, then))


def unchanged_since(item, days: int) -> None:
    """Nobody touched ``item`` for ``days`` (a plain UPDATE: the ORM would stamp it now)."""
    table = type(item).__table__
    _db.session.execute(update(table).where(table.c.id == item.id)
                        .values(changed_at=datetime.now() - timedelta(days=days)))
    _db.session.commit()
    _db.session.expire_all()


def receipt(official, received_days_ago: int, author) -> CollectionReceipt:
    entry = CollectionReceipt(official_id=official.id, section_key="work_experience", provider="市委组织部",
                              received_on=date.today() - timedelta(days=received_days_ago), entered_by_id=author.id)
    _db.session.add(entry)
    _db.session.commit()
    return entry


def everything_held(app) -> tuple:
    """Row counts of every table, every file under the instance and the store, the audit head."""
    counts = {table.name: _db.session.scalar(select(func.count()).select_from(table))
              for table in _db.metadata.sorted_tables}
    roots = [attachments.root(), Path(app.config["RESTORE_TEST_DIR"])]
    files = sorted((str(p), p.stat().st_mtime) for root in roots if root.exists() for p in root.rglob("*"))
    head = _db.session.scalar(select(AuditChainHead.seq))
    return counts, files, head


@pytest.fixture
def scratch(app, tmp_path):
    saved = app.config.get("RESTORE_TEST_DIR")
    app.config["RESTORE_TEST_DIR"] = str(tmp_path / "restore-scratch")
    yield Path(app.config["RESTORE_TEST_DIR"])
    app.config["RESTORE_TEST_DIR"] = saved


@pytest.fixture
def leftovers(app, db, users, make_official, make_record, make_material, draft_of, scratch):
    """An archive after a while: something of every kind to clean, beside what must stay."""
    clerk = users["clerk"]
    official = make_official()
    kept = {}
    gone = {}
    gone["receipt"] = receipt(official, 200, clerk)
    kept["fresh_receipt"] = receipt(official, 10, clerk)
    kept["entered_receipt"] = receipt(official, 200, clerk)
    entered = make_record(WorkExperience)
    table = WorkExperience.__table__
    db.session.execute(update(table).where(table.c.id == entered.id).values(receipt_id=kept["entered_receipt"].id))
    db.session.commit()

    gone["draft"] = draft_of(make_record(WorkExperience), clerk)
    unchanged_since(gone["draft"], 120)
    kept["fresh_draft"] = draft_of(make_record(WorkExperience), clerk)
    kept["approved"] = make_record(WorkExperience)
    unchanged_since(kept["approved"], 400)
    approved = kept["approved"]
    approved.post = "调研员"
    request = workflow.route_edit(db.session, approved, clerk)
    db.session.commit()
    gone["change_request"] = request
    unchanged_since(request, 100)

    kept["material"] = make_material(official=official)
    age(attachments.path_of(kept["material"].stored_sha256), 30)
    orphan = attachments.root() / "ab" / "cd" / ("abcd" + "e" * 60)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(os.urandom(512))
    age(orphan, 3)
    young_orphan = attachments.root() / "ab" / "cd" / ("abcd" + "f" * 60)
    young_orphan.write_bytes(os.urandom(64))  # an upload whose row is not committed yet
    temp = attachments.root() / "tmp" / "upload-dead"
    temp.parent.mkdir(parents=True, exist_ok=True)
    temp.write_bytes(b"x" * 100)
    age(temp, 2)
    scratch.mkdir()
    (scratch / "database.sqlite").write_bytes(b"y" * 200)
    age(scratch / "database.sqlite", 2)
    age(scratch, 2)
    return {"kept": kept, "gone": gone, "orphan": orphan, "young_orphan": young_orphan, "temp": temp,
            "scratch": scratch}


def audit_head() -> int:
    return _db.session.scalar(select(AuditChainHead.seq))


def events_since(head: int, action: str) -> list:
    return _db.session.scalars(select(AuditEvent).where(AuditEvent.seq > head, AuditEvent.action == action)
                               .order_by(AuditEvent.seq)).all()


def refs(plan) -> dict:
    return {kind: [c.ref for c in found] for kind, found in plan.items.items()}


def test_the_dry_run_lists_each_kind_with_its_reason_and_changes_nothing(app, db, leftovers):
    before = everything_held(app)
    now = datetime.now()
    first = cleanup.plan(now=now)
    # A draft is told first: the dry run says whose author would be told, and removes no draft yet.
    assert refs(first) == {
        "consultation": [],
        "receipts": [f"collection_receipt:{leftovers['gone']['receipt'].id}"],
        "drafts": [],
        "orphan_files": [leftovers["orphan"].name],
        "temp_files": ["tmp/upload-dead"],
        "restore_scratch": ["restore-scratch"],
    }
    assert sorted(c.ref for c in first.notices["drafts"]) == sorted(
        [f"work_experience:{leftovers['gone']['draft'].id}", f"change_request:{leftovers['gone']['change_request'].id}"])
    assert all(c.reason for found in first.items.values() for c in found)
    assert everything_held(app) == before

    result = app.test_cli_runner().invoke(args=["dossier", "cleanup", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run: nothing changed" in result.output and "upload-dead" in result.output
    assert everything_held(app) == before


def test_a_run_removes_exactly_the_dry_runs_list_and_audits_each_kind(app, db, leftovers):
    now = datetime.now()
    head = audit_head()
    listed = refs(cleanup.plan(now=now))
    result = cleanup.run(now=now, actor="test")
    assert refs(result) == listed
    assert result.removed == {kind: len(found) for kind, found in listed.items()}

    assert db.session.get(CollectionReceipt, leftovers["gone"]["receipt"].id) is None
    assert not leftovers["orphan"].exists() and not leftovers["temp"].exists() and not leftovers["scratch"].exists()
    # What must stay, stays: receipts entered or fresh, fresh drafts, approved records, referenced files.
    kept = leftovers["kept"]
    for name in ("fresh_receipt", "entered_receipt"):
        assert db.session.get(CollectionReceipt, kept[name].id) is not None
    for name in ("fresh_draft", "approved"):
        assert db.session.get(WorkExperience, kept[name].id, execution_options={"include_pending": True}) is not None
    assert db.session.get(Material, kept["material"].id) is not None
    assert attachments.path_of(kept["material"].stored_sha256).is_file()
    assert leftovers["young_orphan"].exists()

    events = {e.object_id: json.loads(e.details) for e in events_since(head, "cleanup_removed")}
    assert set(events) == {"receipts", "orphan_files", "temp_files", "restore_scratch"}
    assert events["receipts"] == {"kind": "receipts", "count": 1, "bytes": 0,
                                  "ids": [f"collection_receipt:{leftovers['gone']['receipt'].id}"]}
    assert events["orphan_files"]["ids"] == [leftovers["orphan"].name] and events["orphan_files"]["bytes"] == 512
    # Nothing of what the items held: references only.
    assert "市委组织部" not in json.dumps(events, ensure_ascii=False)
    # A second run finds nothing more.
    assert cleanup.plan(now=now).total == 0


def test_a_hold_on_the_dossier_keeps_its_stale_receipt_and_says_which_hold(app, db, leftovers, disposal, login_as):
    """§9 冻结: what a hold keeps is not cleaned either, and the dry run names the hold."""
    stale = leftovers["gone"]["receipt"]
    hold = disposal.hold(kind="dossier", official_id=stale.official_id)
    now = datetime.now()
    listed = cleanup.plan(now=now)
    assert f"collection_receipt:{stale.id}" not in refs(listed)["receipts"]
    [(kept, why)] = listed.held["receipts"]
    assert kept.ref == f"collection_receipt:{stale.id}" and f"第{hold.id}号冻结" in why
    cleanup.run(now=now, kinds_=["receipts"], actor="test")
    assert db.session.get(CollectionReceipt, stale.id) is not None
    body = login_as("archivist").get("/cleanup/").get_data(as_text=True)
    assert f"collection_receipt:{stale.id}" in body.split('id="held-receipts"')[1].split("</ul>")[0]


def test_a_stale_draft_is_removed_only_after_its_author_was_told_and_the_notice_period_passed(
        app, db, leftovers, login_as, users):
    draft, request = leftovers["gone"]["draft"], leftovers["gone"]["change_request"]
    now = datetime.now()
    head = audit_head()
    cleanup.run(["drafts"], now=now, actor="test")
    notices = db.session.scalars(select(DraftNotice).order_by(DraftNotice.id)).all()
    assert sorted((n.item_table, n.item_id) for n in notices) == sorted(
        [("work_experience", draft.id), ("change_request", request.id)])
    assert all(n.author_id == users["clerk"].id for n in notices)
    [event] = events_since(head, "cleanup_draft_notice")
    assert json.loads(event.details)["count"] == 2

    # The author sees the day on "My drafts".
    removal = (now + timedelta(days=14)).date()
    page = login_as("clerk").get("/mydrafts/").get_data(as_text=True)
    assert page.count(removal.isoformat()) == 2 and "removal-notice" in page

    # Within the notice period nothing goes, and nobody is told twice.
    later = now + timedelta(days=13)
    assert cleanup.plan(["drafts"], now=later).items["drafts"] == []
    assert cleanup.plan(["drafts"], now=later).notices["drafts"] == []
    # Past it, both go.
    after = now + timedelta(days=14, minutes=1)
    listed = refs(cleanup.plan(["drafts"], now=after))["drafts"]
    assert sorted(listed) == sorted([f"work_experience:{draft.id}", f"change_request:{request.id}"])
    assert refs(cleanup.run(["drafts"], now=after, actor="test"))["drafts"] == listed
    assert db.session.get(WorkExperience, draft.id, execution_options={"include_pending": True}) is None
    assert db.session.get(ChangeRequest, request.id) is None
    assert db.session.scalar(select(func.count()).select_from(DraftNotice)) == 0
    [event] = events_since(head, "cleanup_removed")
    assert json.loads(event.details)["count"] == 2
    # The approved record the change request was for stays as it was.
    approved = db.session.get(WorkExperience, leftovers["kept"]["approved"].id)
    assert approved is not None and approved.post != "调研员"


def test_a_draft_changed_after_the_notice_is_not_removed(app, db, leftovers):
    draft = leftovers["gone"]["draft"]
    now = datetime.now()
    cleanup.run(["drafts"], now=now, actor="test")
    # The author edits it the next day: the notice no longer counts, and the page says nothing.
    table = WorkExperience.__table__
    db.session.execute(update(table).where(table.c.id == draft.id).values(changed_at=now + timedelta(days=1)))
    db.session.commit()
    after = now + timedelta(days=20)
    assert f"work_experience:{draft.id}" not in refs(cleanup.plan(["drafts"], now=after))["drafts"]
    item = db.session.get(WorkExperience, draft.id, execution_options={"include_pending": True})
    assert removal_dates(db.session, [item]) == {}


def test_a_stale_draft_document_goes_with_its_file(app, db, users, make_material, draft_of):
    material = draft_of(make_material(), users["clerk"])
    unchanged_since(material, 100)
    path = attachments.path_of(material.stored_sha256)
    now = datetime.now()
    cleanup.run(["drafts"], now=now, actor="test")
    cleanup.run(["drafts"], now=now + timedelta(days=15), actor="test")
    assert db.session.get(Material, material.id, execution_options={"include_pending": True}) is None
    assert not path.exists()


def test_the_guard_refuses_dossier_content_whatever_a_cleaner_offers(app, db, make_record, make_material):
    approved = make_record(WorkExperience)
    material = make_material()
    offered = {
        "drafts": cleanup.Candidate("drafts", f"work_experience:{approved.id}", "stale",
                                    row=("work_experience", approved.id)),
        "receipts": cleanup.Candidate("receipts", f"material:{material.id}", "old", row=("material", material.id)),
        "temp_files": cleanup.Candidate("temp_files", material.stored_sha256, "old",
                                        path=attachments.path_of(material.stored_sha256)),
    }
    for kind, candidate in offered.items():
        with pytest.raises(cleanup.CleanupRefused):
            cleanup.base.guard(cleanup.CLEANERS[kind], [candidate], {"work_experience", "material"})
    assert db.session.get(WorkExperience, approved.id) is not None
    assert attachments.path_of(material.stored_sha256).is_file()


def test_a_cleaner_offering_an_approved_record_removes_nothing(app, db, make_record, monkeypatch):
    """A cleaner gone wrong (its finder lists an approved record) is stopped before it removes."""
    approved = make_record(WorkExperience)
    rogue = cleanup.Candidate("drafts", f"work_experience:{approved.id}", "stale", row=("work_experience", approved.id))
    broken = cleanup.Cleaner("drafts", "drafts", lambda now: [rogue], cleanup.drafts.remove,
                             tables=cleanup.drafts.tables(), row_check=cleanup.drafts.still_draft)
    monkeypatch.setitem(cleanup.CLEANERS, "drafts", broken)
    head = audit_head()
    with pytest.raises(cleanup.CleanupRefused):
        cleanup.run(["drafts"], actor="test")
    assert db.session.get(WorkExperience, approved.id) is not None
    assert audit_head() == head


def test_the_command_runs_one_kind(app, db, leftovers):
    result = app.test_cli_runner().invoke(args=["dossier", "cleanup", "--kind", "temp_files"])
    assert result.exit_code == 0, result.output
    assert "temp_files: removed 1" in result.output
    assert not leftovers["temp"].exists() and leftovers["orphan"].exists()
