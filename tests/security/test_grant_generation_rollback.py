"""A grant that was never committed must never be kept as a grant (security.grants).

The grant generation is a plain counter: a transaction that writes a grant table bumps it,
sees its own bump, and a rollback takes the bump back. Grants read inside such a transaction
are kept under the bumped value; once that value is reached again by a change that is
committed, every request of the worker is served the rolled-back grant.

So a request that writes a grant table, by any statement, shares nothing from then on
(security.grants watches every statement, not only the writers that remember to say so);
these reproduce the mechanism with the same calls a request makes, in a worker of its own
(an app on the same database)."""

from flask_appbuilder.security.sqla.models import Permission, PermissionView, ViewMenu, assoc_permissionview_role
from sqlalchemy import delete, insert, select, text

from security import grants

PAIR = ("backups", "can_list")


def _ids(db, role_name):
    role_id = db.session.scalar(text("SELECT id FROM ab_role WHERE name = :n"), {"n": role_name})
    pv_id = db.session.scalar(select(PermissionView.id).join(Permission, Permission.id == PermissionView.permission_id)
                              .join(ViewMenu, ViewMenu.id == PermissionView.view_menu_id)
                              .where(ViewMenu.name == PAIR[0], Permission.name == PAIR[1]))
    assert role_id and pv_id
    return role_id, pv_id


def _held(second_app) -> bool:
    """One request of the worker: does the inspector role hold the pair?"""
    from models.db import db

    with second_app.test_request_context("/"):
        role_id = db.session.scalar(text("SELECT id FROM ab_role WHERE name = 'inspector'"))
        try:
            return PAIR in grants.of_roles(db.session, [role_id])
        finally:
            db.session.remove()


def _bump_elsewhere(db) -> None:
    """Any committed change of a grant table, e.g. `dossier init` touching a role."""
    db.session.execute(text("UPDATE ab_role SET name = name WHERE id = (SELECT min(id) FROM ab_role)"))
    db.session.commit()


def test_a_grant_written_and_rolled_back_is_not_kept_by_the_worker(app, db, second_app):
    from models.db import db as _db

    role_id, pv_id = _ids(db, "inspector")
    db.session.rollback()
    assert not _held(second_app)  # kept by the worker: not held

    # A request writes the grant, reads grants (first read of its generation: its own bump), rolls back.
    with second_app.test_request_context("/"):
        session = _db.session
        session.execute(insert(assoc_permissionview_role).values(permission_view_id=pv_id, role_id=role_id))
        assert PAIR in grants.of_roles(session, [role_id])
        session.rollback()
        session.remove()
    db.session.rollback()
    assert db.session.scalar(select(assoc_permissionview_role.c.id).where(
        assoc_permissionview_role.c.role_id == role_id, assoc_permissionview_role.c.permission_view_id == pv_id)) is None

    # The database is as before; the next committed change of any grant reaches the bumped value again.
    _bump_elsewhere(db)
    try:
        assert not _held(second_app), "the worker serves a grant that was rolled back"
    finally:
        db.session.execute(delete(assoc_permissionview_role).where(
            assoc_permissionview_role.c.role_id == role_id, assoc_permissionview_role.c.permission_view_id == pv_id))
        db.session.commit()


def test_a_grant_read_after_an_uncommitted_write_under_the_requests_generation_is_not_kept(app, db, second_app):
    """The generation read first (as every request's first access check does), then the write,
    then grants of a set of roles not kept yet, then a rollback: kept under the generation that
    is still the database's, with nothing committed since."""
    from models.db import db as _db

    role_id, pv_id = _ids(db, "inspector")
    other_id = db.session.scalar(text("SELECT id FROM ab_role WHERE name = 'auditor'"))
    db.session.rollback()
    with second_app.test_request_context("/"):
        session = _db.session
        assert grants.generation(session) is not None  # the request's first access check
        session.execute(insert(assoc_permissionview_role).values(permission_view_id=pv_id, role_id=role_id))
        assert PAIR in grants.of_roles(session, [role_id, other_id])
        session.rollback()
        session.remove()
    with second_app.test_request_context("/"):
        try:
            assert PAIR not in grants.of_roles(_db.session, [role_id, other_id]), \
                "the worker serves a grant that was rolled back"
        finally:
            _db.session.remove()
