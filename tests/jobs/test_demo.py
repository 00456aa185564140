"""`flask dossier demo`: on a fresh demonstration every role's workbench shows work, the
documents are real scans filed through the store, the backup target under the instance
folder takes a backup at the first "back up now", and a second run adds nothing."""

import io
import os
import re
from pathlib import Path

import pikepdf
import pytest
from sqlalchemy import func, select

from jobs.demo import DEMO_TARGET, populate
from models import (
    CollectionReceipt, Consultation, Material, PermissionRequest, ReviewDecision, StaffDepartment,
)
from models.demo import DEMO_MATERIALS
from tests.apps import make_app, sign_in

PASSWORD = "Demo-Pass-2026!"
# Who sees each work queue of the workbench (security.workbench.TILES) on the demo.
QUEUES = {
    "drafts": "clerk",
    "first_review": "dept_head",
    "final_review": "hr_reviewer",
    "consultations": ("dept_head", "archivist"),
    "permission_requests": "secadmin",
    "overdue_receipts": "hr_reviewer",
    "overdue_entries": "archivist",
}
SCENARIO_TABLES = (Material, CollectionReceipt, Consultation, PermissionRequest, ReviewDecision, StaffDepartment)


@pytest.fixture(scope="module")
def demo(databases, tmp_path_factory, clamd):
    """A seeded instance of its own (its instance folder, attachment store and backup target
    as bin/demo configures them) with the scenario added once."""
    instance = tmp_path_factory.mktemp("demo-instance")
    saved = os.environ.get("DOSSIER_INSTANCE_DIR")
    os.environ["DOSSIER_INSTANCE_DIR"] = str(instance)
    try:
        application = make_app(databases.new("demo"), ATTACHMENT_STORE=str(instance / "attachments"),
                               DOSSIER_BACKUP_TARGETS=[str(instance / DEMO_TARGET)])
    finally:
        os.environ["DOSSIER_INSTANCE_DIR"] = saved or ""
        if saved is None:
            del os.environ["DOSSIER_INSTANCE_DIR"]
    with application.app_context():
        from jobs.seed import seed
        from jobs.setup import initialise
        from models.db import db

        initialise()
        seed(60, PASSWORD, chunk=60)
        added = populate()
        yield application, db, instance, added
        db.session.remove()
        db.engine.dispose()


def tile_count(client, key: str) -> int:
    html = client.get("/").get_data(as_text=True)
    found = re.search(rf'id="tile-{key}".*?<div[^>]*>\s*(\d+)', html, re.S)
    assert found, f"no tile {key}"
    return int(found.group(1))


def test_every_queue_of_the_workbench_holds_work_after_seeding(demo):
    application, _db, _instance, added = demo
    assert added["materials"] == len(DEMO_MATERIALS) and added["permission_requests"] == 1
    client = application.test_client()
    for key, roles in QUEUES.items():
        for role in (roles,) if isinstance(roles, str) else roles:
            assert sign_in(client, role, PASSWORD).status_code == 302, role
            assert tile_count(client, key) > 0, (key, role)


def test_the_documents_are_real_scans_the_official_finds_in_their_catalogue(demo):
    application, db, _instance, _added = demo
    from models.storage import attachments

    approved = db.session.scalars(select(Material)).all()
    assert approved and all(m.media_type == "application/pdf" for m in approved)
    for material in approved:
        content = b"".join(attachments.open_plaintext(material.stored_sha256, material.official_id,
                                                      material.file_key_id))
        assert len(pikepdf.open(io.BytesIO(content)).pages) == material.page_count
    client = application.test_client()
    sign_in(client, "official", PASSWORD)
    html = client.get("/mydossier/").get_data(as_text=True)
    catalogue = html.split('id="section-material"', 1)[1].split("</table>", 1)[0]
    assert "干部履历表" in catalogue and "学士学位证书" not in catalogue  # still in first review
    assert "学士学位证书" not in html.split("<h3>")[0]
    mine = db.session.scalars(select(Material).where(Material.title == "学士学位证书")
                              .execution_options(include_pending=True)).one()
    assert (mine.review_state, mine.source_channel) == ("submitted", "self")


def test_a_second_run_changes_nothing(demo):
    _application, db, instance, _added = demo
    before = {model: db.session.scalar(select(func.count()).select_from(model).execution_options(
        include_pending=True)) for model in SCENARIO_TABLES}
    files = sorted(p for p in (instance / "attachments").rglob("*") if p.is_file())
    again = populate()
    assert sum(again.values()) == 0, again
    after = {model: db.session.scalar(select(func.count()).select_from(model).execution_options(
        include_pending=True)) for model in SCENARIO_TABLES}
    assert after == before
    assert sorted(p for p in (instance / "attachments").rglob("*") if p.is_file()) == files


def test_back_up_now_and_the_restore_test_work_on_the_first_run(demo):
    """The target bin/demo names is created under the instance folder; the archivist's
    "back up now", run by the scheduler, lands there, and its restore test passes."""
    application, db, instance, _added = demo
    from jobs.backup.commands import scheduled_restore_tests
    from jobs.scheduler import run_job
    from models import BackupRun

    target = instance / DEMO_TARGET
    assert target.is_dir()
    bin_demo = (Path(__file__).parents[2] / "bin" / "demo").read_text()
    assert f'DOSSIER_BACKUP_TARGETS:-$INSTANCE/{DEMO_TARGET}' in bin_demo
    client = application.test_client()
    sign_in(client, "archivist", PASSWORD)
    assert client.post("/backups/request", data={"kind": "full"}).status_code == 302
    assert run_job("backup_requests").startswith("ok")
    run = db.session.scalars(select(BackupRun)).one()
    assert run.state == "succeeded", [c.error for c in run.copies]
    assert (target / "repository").is_dir()
    assert scheduled_restore_tests() == "1 target(s) passed"
