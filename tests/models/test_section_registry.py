"""A section is declared once: a throwaway section declared here, and nowhere else, is on the
menu, an official-page tab, in the route matrix, in role data, seeded, tracked for backups
and shown in history. It is declared in a process of its own, so the suite's own models
stay as they are."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def declare():
    """The whole declaration of the new section."""
    from flask_appbuilder import Model
    from sqlalchemy import Column, String

    from models.base import SectionRecord, date_column

    class Hobby(SectionRecord, Model):
        __tablename__ = "hobby"
        section_key = "hobby"
        section_area = "training"
        section_label = "业余爱好"
        list_columns = ("pastime", "since")
        order_by = ("since",)

        pastime = Column(String(100), nullable=False, info={"label": "爱好名称"})
        since = date_column(min_age=6)

    return Hobby


def test_a_section_declared_in_one_place_is_everywhere(databases, tmp_path):
    result = subprocess.run([sys.executable, "-m", "tests.models.test_section_registry", databases.new("section"),
                             str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["menu"] == ["training", "业余爱好"]
    assert found["official_page_tab"] and found["tab_shown"]
    assert found["route_matrix"]["/hobbyview/list/"] == "clerk dept_head hr_reviewer archivist unit_head"
    assert found["route_matrix"]["/hobbyview/delete/<pk>"] == "hr_reviewer"
    assert found["role_data"] == {"clerk": ["can_add", "can_edit", "can_list", "can_show"],
                                  "hr_reviewer": ["can_add", "can_delete", "can_edit", "can_list", "can_show"]}
    assert found["seeded"] == 3 and found["seeded_versions"] == 3
    assert found["tracked"] == {"hobby": True, "hobby_version": True} and found["change_logged"]
    assert found["backed_up"] == 3
    assert found["history"] == [200, True]


def _child(url: str, directory: str) -> None:
    import os

    os.environ["DOSSIER_INSTANCE_DIR"] = directory
    import flask_migrate
    import sqlalchemy as sa
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from migrations.sections import create_section_table

    import models  # noqa: F401
    from tests.apps import make_app, sign_in

    hobby = declare()
    sa.orm.configure_mappers()
    from sqlalchemy_continuum import version_class

    app = make_app(url, RATELIMIT_ENABLED=False)
    found = {}
    with app.app_context():
        from models.db import db
        from jobs.backup.database import take
        from jobs.seed import seed
        from jobs.setup import initialise
        from models import tracking
        from security.route_matrix import derive
        from security.roles import permissions_of

        flask_migrate.upgrade(directory=app.extensions["migrate"].directory, revision="heads")
        # The section's migration: one call (its table, versions, index and change tracking).
        tables = [hobby.__table__, version_class(hobby).__table__]
        with db.engine.begin() as conn:
            create_section_table(Operations(MigrationContext.configure(conn)), "hobby",
                                 sa.Column("pastime", sa.String(length=100), nullable=False),
                                 sa.Column("since", sa.Date(), nullable=True))
        initialise()

        item = app.appbuilder.menu.find("hobby")
        category = next(c for c in app.appbuilder.menu.get_list() if item in (c.childs or []))
        found["menu"] = [category.name, str(item.label)]
        official_view = next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == "OfficialView")
        found["official_page_tab"] = any(v.datamodel.obj is hobby for v in official_view._related_views)
        found["route_matrix"] = {row["rule"]: row["roles"] for row in derive(app) if row["rule"].startswith("/hobbyview")}
        found["role_data"] = {role: sorted(p for p, view in permissions_of(role) if view == "hobby" and p != "menu_access")
                              for role in ("clerk", "hr_reviewer")}
        held = {(pv.permission.name, pv.view_menu.name) for pv in app.appbuilder.sm.find_role("clerk").permissions}
        assert ("can_add", "hobby") in held, "init did not grant the role data"

        seed(3, "Test-Pass-2026!")
        found["seeded"] = db.session.scalar(sa.select(sa.func.count()).select_from(hobby.__table__))
        found["seeded_versions"] = db.session.scalar(
            sa.select(sa.func.count()).select_from(version_class(hobby).__table__))
        with db.engine.connect() as conn:
            tracked = tracking.tracked_tables(conn)
            before = tracking.position(conn)
        found["tracked"] = {t.name: t.name in tracked for t in tables}
        record_id = db.session.scalar(sa.select(hobby.id).limit(1))
        official_id = db.session.scalar(sa.select(hobby.official_id).where(hobby.id == record_id))
        db.session.execute(hobby.__table__.update().where(hobby.__table__.c.id == record_id).values(pastime="书法"))
        db.session.commit()
        with db.engine.connect() as conn:
            found["change_logged"] = str(record_id) in tracking.changed_keys(conn, before, tracking.position(conn))["hobby"]
        staging = Path(directory) / "staging"
        staging.mkdir()
        found["backed_up"] = take(db.engine, staging, "full", None).counts["hobby"]

    client = app.test_client()
    sign_in(client, "hr_reviewer", "Test-Pass-2026!")
    page = client.get(f"/officialview/show/{official_id}").get_data(as_text=True)
    found["tab_shown"] = "业余爱好" in page
    history = client.get(f"/history/hobby/{record_id}")
    found["history"] = [history.status_code, "爱好名称" in history.get_data(as_text=True)]
    print(json.dumps(found, ensure_ascii=False))


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])
