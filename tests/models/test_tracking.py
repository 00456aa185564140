"""The change log behind incremental backups records every write, however it is made."""

from sqlalchemy import delete, text, update

from models import tracking
from models import Department, Official


def test_every_table_of_the_schema_is_tracked(db):
    from flask_appbuilder import Model

    with db.engine.connect() as conn:
        tracked = tracking.tracked_tables(conn)
    missing = set(Model.metadata.tables) - tracking.UNTRACKED - tracked
    assert not missing, f"tables a migration created without change tracking: {sorted(missing)}"


def test_bulk_statements_and_raw_sql_are_recorded(db, make_official):
    official = make_official()
    with db.engine.connect() as conn:
        start = tracking.position(conn)
    db.session.execute(update(Official.__table__).where(Official.__table__.c.id == official.id).values(post="科员"))
    db.session.execute(text("INSERT INTO department (code, name, is_hr) VALUES ('Z9', '临时处', :no)"), {"no": False})
    db.session.execute(delete(Department.__table__).where(Department.__table__.c.code == "Z9"))
    db.session.commit()
    with db.engine.connect() as conn:
        changed = tracking.changed_keys(conn, start, tracking.position(conn))
    assert changed["official"] == {str(official.id)}
    assert len(changed["department"]) == 1


def test_a_versioned_table_keys_its_rows_by_id_and_transaction(db, make_official):
    from sqlalchemy_continuum import version_class

    with db.engine.connect() as conn:
        start = tracking.position(conn)
    official = make_official()
    with db.engine.connect() as conn:
        changed = tracking.changed_keys(conn, start, tracking.position(conn))
    table = version_class(Official).__table__
    keys = [tracking.parse_key(table, key) for key in changed["official_version"]]
    assert [k[0] for k in keys] == [official.id] and isinstance(keys[0][1], int)
