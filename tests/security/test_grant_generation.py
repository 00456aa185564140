"""Grants and the drawn menu are kept between requests (security.grants, views.menu_cache),
and a grant changed anywhere counts from the very next request, in every app on the database."""

import pytest
from sqlalchemy import select, text

from models import PermissionRequest
from security.grants import GRANT_TABLES, GrantGeneration
from tests.apps import sign_in
from tests.matrix_forms import propose

BACKUPS_LINK = 'href="/backups/'


def _generation(db) -> int:
    db.session.rollback()
    return db.session.scalar(select(GrantGeneration.value).where(GrantGeneration.id == 1))


def _decide_latest(client, officer) -> None:
    from models.db import db

    request = db.session.scalars(select(PermissionRequest).order_by(PermissionRequest.id.desc())).first()
    assert request.state == "pending"
    assert sign_in(client, officer.username).status_code == 302
    assert client.post(f"/permissionrequests/{request.id}/decide", data={"decision": "approve"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(PermissionRequest, request.id).state == "approved"


def _inspector_sees_backups(client) -> tuple[bool, int]:
    """(the menu offers the backups screen, the status of opening it)."""
    home = client.get("/")
    assert home.status_code == 200
    page = home.get_data(as_text=True)
    # The menu alone (the workbench may offer the screen too).
    menu = page[page.index('<div class="navbar-collapse collapse">'):page.index('class="nav navbar-nav navbar-right"')]
    return BACKUPS_LINK in menu, client.get("/backups/").status_code


def test_a_grant_approved_in_one_worker_counts_at_once_in_every_worker(app, db, client, make_user, second_app):
    officer = make_user("secadmin")  # the second officer who approves
    here, there = app.test_client(), second_app.test_client()
    for inspector in (here, there):
        assert sign_in(inspector, "inspector").status_code == 302
        # Drawn and kept by each app, twice over: the second page comes from the kept menu.
        assert _inspector_sees_backups(inspector) == (False, 403)
        assert _inspector_sees_backups(inspector) == (False, 403)
    before = _generation(db)

    assert sign_in(client, "secadmin").status_code == 302
    propose(client, app.appbuilder.sm.find_role("inspector"), add=[("can_list", "backups")])
    # Proposed, not approved: nothing changes anywhere.
    assert _generation(db) == before
    assert _inspector_sees_backups(there) == (False, 403)
    _decide_latest(client, officer)
    assert _generation(db) > before

    try:
        for inspector in (here, there):
            assert _inspector_sees_backups(inspector) == (True, 200)
    finally:
        # Back as it was, through the same path; and gone again from every worker's menu and checks.
        assert sign_in(client, "secadmin").status_code == 302
        propose(client, app.appbuilder.sm.find_role("inspector"), remove=[("can_list", "backups")])
        _decide_latest(client, officer)
    for inspector in (here, there):
        assert _inspector_sees_backups(inspector) == (False, 403)


@pytest.mark.parametrize("table", GRANT_TABLES)
def test_any_write_to_a_grant_table_moves_the_generation_whatever_makes_it(db, table):
    """The triggers of migration 0025: raw SQL, ``dossier init`` and FAB's own screens included."""
    before = _generation(db)
    db.session.execute(text(f"UPDATE {table} SET id = id WHERE id = (SELECT min(id) FROM {table})"))
    db.session.commit()
    assert _generation(db) == before + 1
