"""The home page is each role's workbench (security.workbench): what waits for them, counted
as the screens it links to list it, shown only to whoever may open those screens."""

import re
from datetime import date, timedelta

import pytest
from flask_login import login_user
from sqlalchemy import delete

from models import CollectionReceipt, Consultation, PermissionRequest
from models.backup import BackupRun
from models.career import WorkExperience
from models.reading import has_permission
from security import approvals, consultation, workbench
from models import backlog, workflow
from tests.apps import ROLE_KEYS


@pytest.fixture
def waiting(db, users, make_record, make_official, draft_of):
    """One of each kind of work: the clerk's draft, an entry in first and one in final review,
    a consultation for the department head and one for the archive, a permission request,
    an overdue receipt and a failed backup."""
    today = date.today()
    official = make_official()
    draft_of(make_record(WorkExperience), users["clerk"])
    for state in (workflow.SUBMITTED, workflow.FIRST_APPROVED):
        record = draft_of(make_record(WorkExperience), users["clerk"])
        record.review_state = state
    for state in ("submitted", "department_approved"):
        db.session.add(Consultation(applicant_id=users["clerk"].id, official_id=official.id, purpose="干部考察",
                                    sections="work_experience", valid_from=today, valid_until=today + timedelta(days=7),
                                    state=state))
    request = PermissionRequest(kind="user_roles", target_id=users["inspector"].id, target_name="inspector",
                                before="[]", proposed="[]", requested_by_id=users["secadmin"].id)
    receipt = CollectionReceipt(official_id=official.id, section_key="work_experience", provider="市委组织部",
                                received_on=today - timedelta(days=400), deadline=today - timedelta(days=300),
                                entered_by_id=users["clerk"].id)
    # A good backup, then one that failed: one failure since the last good one.
    good = BackupRun(kind="full", trigger="schedule", state="succeeded")
    db.session.add(good)
    db.session.flush()
    run = BackupRun(kind="full", trigger="schedule", state="failed", message="target unreachable")
    db.session.add_all([request, receipt, run])
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(delete(PermissionRequest.__table__).where(PermissionRequest.id == request.id))
    db.session.execute(delete(BackupRun.__table__).where(BackupRun.id.in_((good.id, run.id))))
    db.session.commit()


def shown(html: str) -> dict[str, str]:
    """Tile key → the number (or state) the page shows."""
    return {key: value.strip() for key, value in re.findall(
        r'id="tile-([a-z_]+)".*?class="h2 workbench-count"[^>]*>(.*?)</div>', html, re.S)}


def expected(app, db, user) -> dict[str, object]:
    """What each screen lists for ``user``, by the screen's own listing function, in a request of theirs."""
    with app.test_request_context("/"):
        login_user(user)
        today = date.today()
        return {
            "drafts": len([i for i in workflow.pending_items(db.session, workflow.DRAFT, author=user.id)]),
            "first_review": len(workflow.queue(db.session, user, "first")),
            "final_review": len(workflow.queue(db.session, user, "final")),
            "consultations": len(consultation.queue(db.session, user)),
            "permission_requests": len(approvals.pending(db.session)),
            "overdue_receipts": len(backlog.overdue_receipts(db.session, today)),
            "overdue_entries": len(backlog.overdue_entries(db.session, today)),
            "failed_backups": 1,
            "failed_restore_tests": 0,
            "fixity_problems": 0,
        }


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_each_role_sees_its_work_counted_as_its_screens_list_it(app, db, users, waiting, login_as, role):
    client = login_as(role)
    html = client.get("/").get_data(as_text=True)
    user = users[role]
    tiles = shown(html)
    # A tile for exactly the screens this role may open (and the duty it counts).
    assert set(tiles) == {t.key for t in workbench.visible_tiles(user)}
    for tile in workbench.TILES:
        if not has_permission(user, tile.permission):
            assert tile.key not in tiles, f"{role} sees {tile.key} but cannot open its screen"
    want = expected(app, db, user)
    for key, value in tiles.items():
        if key == "audit_chain":
            assert value == "完好"
        else:
            assert int(value) == want[key], (role, key)
    # Each tile opens a screen its viewer may open.
    for link in set(re.findall(r'class="panel [a-z-]+ workbench-tile"\s+id="tile-[a-z_]+" href="([^"]+)"', html)):
        assert client.get(link).status_code == 200, (role, link)


def test_the_work_is_really_there(users, waiting, login_as):
    """The premise of the test above: each reviewer has something waiting."""
    counts = {role: shown(login_as(role).get("/").get_data(as_text=True)) for role in
              ("clerk", "dept_head", "hr_reviewer", "archivist", "secadmin", "auditor")}
    assert counts["clerk"]["drafts"] == "1"
    assert counts["dept_head"]["first_review"] == "1" and counts["dept_head"]["consultations"] == "1"
    assert counts["hr_reviewer"]["final_review"] == "1"
    assert counts["archivist"]["consultations"] == "1" and counts["archivist"]["failed_backups"] == "1"
    assert int(counts["archivist"]["overdue_receipts"]) >= 1
    # Other tests of the same worker may leave requests of their own pending: at least ours.
    assert int(counts["secadmin"]["permission_requests"]) >= 1
    assert counts["auditor"] == {"audit_chain": "完好"}


def test_officials_opened_recently_are_the_users_own_reads_in_scope(db, users, make_official, login_as):
    mine, other = make_official(), make_official(department_code="D03")
    client = login_as("hr_reviewer")
    for official in (mine, other):
        assert client.get(f"/officialview/show/{official.id}").status_code == 200
    html = client.get("/").get_data(as_text=True)
    recent = html.split('id="recent-officials"')[1].split("</ul>")[0]
    # Newest first.
    assert recent.index(other.name) < recent.index(mine.name)
    # The clerk opened neither, and reaches only D01 anyway: nothing of the reviewer's reads.
    clerk_home = login_as("clerk").get("/").get_data(as_text=True)
    assert other.name not in clerk_home
    clerk = login_as("clerk")
    assert clerk.get(f"/officialview/show/{mine.id}").status_code == 200
    recent = clerk.get("/").get_data(as_text=True).split('id="recent-officials"')[1].split("</ul>")[0]
    assert mine.name in recent and other.name not in recent
    # Transferred out of the clerk's department: no longer theirs to reopen, so not listed.
    mine.department_id = other.department_id
    db.session.commit()
    assert mine.name not in clerk.get("/").get_data(as_text=True)


def test_the_search_box_is_there_for_those_who_search(login_as):
    assert 'id="home-search"' in login_as("hr_reviewer").get("/").get_data(as_text=True)
    assert 'id="home-search"' not in login_as("auditor").get("/").get_data(as_text=True)
