"""The auditor's screen of the audit trail (views.audit, regulation §5.3, §6.3): only the
auditor reads it, it changes nothing, and it shows a broken chain and a verification."""

import re

import pytest

from security.audit_tables import AuditEvent
from security import audit
from tests.apps import DEMO_PASSWORD, Trail, sign_in
from tests.helpers import last_seq, new_events


class Screen:
    """A trail whose app registers the audit screen, grants it to the auditor, and has two accounts.

    Shared by the tests below (setting up roles costs seconds); any damage a test
    does to the chain, it repairs.
    """

    LIST = "/auditeventview/list/"

    def __init__(self, trail):
        from security.roles import sync_roles
        from views.audit import AuditEventView

        self.trail = trail
        appbuilder = trail.app.appbuilder
        appbuilder.add_view_no_menu(AuditEventView)
        sm = appbuilder.sm
        # What `flask dossier init` does for roles, without the code tables this screen does not use.
        sm.add_role(sm.auth_role_admin)
        sm.add_role(sm.auth_role_public)
        appbuilder.add_permissions(update_perms=True)
        # The auditor's grants come from the role data alone (security/roles.py), as in production.
        sync_roles(sm)
        for role in ("auditor", "clerk"):
            sm.add_user(role, role, "测试", f"{role}@dossier.local", sm.find_role(role), DEMO_PASSWORD)
        self.client = trail.app.test_client()

    def sign_in(self, username):
        response = sign_in(self.client, username, DEMO_PASSWORD)
        assert response.status_code == 302 and "/login" not in response.headers["Location"]
        return self.client

    def listed(self, html) -> list[int]:
        """Event numbers on a list page, in the order shown."""
        return [int(n) for n in re.findall(r'href="/auditeventview/show/(\d+)"', html)]


@pytest.fixture(scope="module")
def screen(databases, tmp_path_factory):
    trail = Trail(databases, tmp_path_factory.mktemp("audit_screen"))
    yield Screen(trail)
    trail.close()


def test_only_the_auditor_reads_the_trail(screen):
    client = screen.client
    client.post("/logout/")
    anonymous = client.get(screen.LIST)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

    screen.sign_in("clerk")
    assert client.get(screen.LIST).status_code in (302, 403)

    screen.sign_in("auditor")
    page = client.get(screen.LIST)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="audit-chain-status"' in html
    assert "panel-success" in html and 'id="audit-verify-all"' in html
    # Newest first: the auditor's own login heads the list.
    shown = screen.listed(html)
    assert shown == sorted(shown, reverse=True) and shown[0] == last_seq(screen.trail.db)
    assert client.get(f"/auditeventview/show/{shown[0]}").status_code == 200


def test_the_screen_changes_nothing(screen):
    client = screen.sign_in("auditor")
    trail = screen.trail
    first = trail.session.get(AuditEvent, 1)
    before, count = first.details, last_seq(trail.db)
    for url in ("/auditeventview/delete/1", "/auditeventview/edit/1", "/auditeventview/add"):
        client.post(url, data={"details": '{"forged":true}', "action": "delete"})
    trail.session.expire_all()
    assert trail.session.get(AuditEvent, 1).details == before
    assert {e.action for e in new_events(trail.db, count)} <= {"login", "logout"}
    assert audit.verify(trail.session).ok


def test_the_screen_shows_a_broken_chain_and_a_full_verification(screen):
    trail = screen.trail
    trail.append(5)
    audit.checkpoint(trail.session)
    trail.append(3)
    client = screen.sign_in("auditor")
    html = client.get(screen.LIST).get_data(as_text=True)
    assert "panel-success" in html and 'id="audit-last-checkpoint"' in html

    bad = last_seq(trail.db) - 2
    original = trail.session.get(AuditEvent, bad).object_id
    trail.session.rollback()
    trail.as_attacker("UPDATE audit_event SET object_id = '99' WHERE seq = :seq", seq=bad)
    try:
        html = client.get(screen.LIST).get_data(as_text=True)
        status = html.split('id="audit-tail-result"')[1].split("</p>")[0]
        assert "panel-danger" in html and str(bad) in status
        verified = client.post("/auditeventview/verify/", follow_redirects=True).get_data(as_text=True)
        assert "alert-danger" in verified and str(bad) in verified
    finally:
        trail.as_attacker("UPDATE audit_event SET object_id = :original WHERE seq = :seq", seq=bad, original=original)
    verified = client.post("/auditeventview/verify/", follow_redirects=True).get_data(as_text=True)
    assert "alert-success" in verified


def test_the_auditor_filters_by_action_and_time(screen):
    trail = screen.trail
    trail.append(2, action="export")
    client = screen.sign_in("auditor")
    exports = [e.seq for e in trail.events() if e.action == "export"]
    html = client.get(screen.LIST + "?_flt_3_action=export").get_data(as_text=True)
    assert screen.listed(html) == sorted(exports, reverse=True)

    # The auditor types the time the screen shows: the unit's wall clock, to the second.
    from security.unit_time import local_text, utc_text

    stored = trail.session.get(AuditEvent, exports[0]).at
    since = local_text(stored)
    html = client.get(screen.LIST + f"?_flt_0_at={since}").get_data(as_text=True)
    later = [e.seq for e in reversed(trail.events()) if e.at > utc_text(since)]
    assert later and screen.listed(html) == later and exports[-1] in later
