"""``flask dossier init``: schema, code tables, permissions and roles. Idempotent."""

from dataclasses import dataclass, field

import flask_migrate
from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy_utils import create_database, database_exists

from models.db import db
from models import codes
from models.codes import CodeItem
from security.roles import sync_roles


@dataclass
class InitReport:
    code_items_added: int = 0
    code_items_updated: int = 0
    code_items_removed: int = 0
    grants_added: dict = field(default_factory=dict)
    # Files filed before migration 0016 moved to keys of their own (jobs.attachments).
    files_rekeyed: int = 0
    rekey_postponed: str | None = None

    @property
    def changed(self) -> bool:
        return bool(
            self.code_items_added or self.code_items_updated or self.code_items_removed
            or any(self.grants_added.values()) or self.files_rekeyed
        )


def load_code_tables(report: InitReport) -> None:
    wanted = {(r["table_name"], r["code"]): r for r in codes.rows()}
    existing = {(i.table_name, i.code): i for i in db.session.scalars(select(CodeItem))}
    for key, row in wanted.items():
        item = existing.get(key)
        if item is None:
            db.session.add(CodeItem(**row))
            report.code_items_added += 1
        elif any(getattr(item, k) != v for k, v in row.items()):
            for k, v in row.items():
                setattr(item, k, v)
            report.code_items_updated += 1
    for key in existing.keys() - wanted.keys():
        db.session.execute(delete(CodeItem).where(CodeItem.id == existing[key].id))
        report.code_items_removed += 1


def ensure_database(url) -> bool:
    """Create the database if it is not there (PostgreSQL: on its server, which needs the
    CREATEDB right; SQLite: the file); True if it was created."""
    if database_exists(url):
        return False
    create_database(url)
    return True


def initialise() -> InitReport:
    """Bring the database to the current schema, reference data and role grants."""
    ensure_database(db.engine.url)
    flask_migrate.upgrade(directory=current_app.extensions["migrate"].directory, revision="heads")
    report = InitReport()
    load_code_tables(report)
    db.session.commit()

    appbuilder = current_app.appbuilder
    sm = appbuilder.sm
    sm.add_role(sm.auth_role_admin)
    sm.add_role(sm.auth_role_public)
    # Creates the permission rows of every registered view and menu. FAB's Admin is a
    # built-in role granting nothing (config.FAB_ROLES); what an older release gave it goes.
    appbuilder.add_permissions(update_perms=True)
    admin = sm.find_role(sm.auth_role_admin)
    if admin.permissions:
        admin.permissions = []
    report.grants_added = sync_roles(sm)
    db.session.commit()
    # The data step of 0016, which needs the key store and the files: nothing to do (and
    # nothing written) once every file has a key of its own.
    from jobs.attachments import RekeyBusy, rekey

    try:
        rekeyed = rekey()
        report.files_rekeyed = rekeyed.moved
        if rekeyed.problems:
            report.rekey_postponed = "; ".join(rekeyed.problems)
    except RekeyBusy as busy:
        report.rekey_postponed = str(busy)
    return report
