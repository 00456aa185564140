"""migrations.sections builds a section as the migrations built the existing ones."""

from datetime import date, datetime

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import inspect, text

from migrations.sections import create_section_table, drop_section_table

PROBE = "probe_section"


def training_columns():
    """The training section's own columns, as migration 0001 declares them."""
    return [
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=100), nullable=True),
        sa.Column("institution", sa.String(length=200), nullable=True),
        sa.Column("hours", sa.Integer(), nullable=True),
    ]


def shape(conn, table: str) -> dict:
    """What reflection says of ``table``, with the table's name taken out of every name."""
    inspector = inspect(conn)

    def plain(value):
        return value.replace(table, "T") if isinstance(value, str) else value

    def sort_key(entry):
        return repr(sorted(entry.items()))

    return {
        "columns": [(c["name"], str(c["type"]), c["nullable"], plain(str(c.get("default"))))
                    for c in inspector.get_columns(table)],
        "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
        "indexes": sorted(({"name": plain(i["name"]), "columns": i["column_names"], "unique": bool(i["unique"]),
                            "expressions": [plain(e) for e in i.get("expressions") or []],
                            "sorting": repr(sorted((i.get("column_sorting") or {}).items()))}
                           for i in inspector.get_indexes(table)), key=sort_key),
        "foreign_keys": sorted(({"name": plain(f["name"]), "columns": f["constrained_columns"],
                                 "referred": (f["referred_table"], f["referred_columns"]),
                                 "ondelete": (f.get("options") or {}).get("ondelete")}
                                for f in inspector.get_foreign_keys(table)), key=sort_key),
        "unique": sorted(repr(u["column_names"]) for u in inspector.get_unique_constraints(table)),
        "triggers": triggers(conn, table),
    }


def triggers(conn, table: str) -> list[str]:
    if conn.dialect.name == "postgresql":
        rows = conn.execute(text("SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t "
                                 "JOIN pg_class c ON c.oid = t.tgrelid "
                                 "WHERE c.relname = :t AND NOT t.tgisinternal ORDER BY t.tgname"), {"t": table})
    else:
        rows = conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t "
                                 "ORDER BY name"), {"t": table})
    return [sql.replace(table, "T") for (sql,) in rows]


def tracked_writes(conn, table: str, official_id: int) -> list[tuple]:
    """The change log's entries for an insert, an update and a delete in ``table`` and its versions."""
    start = conn.scalar(text("SELECT COALESCE(MAX(id), 0) FROM backup_change"))
    values = {"official_id": official_id, "now": datetime(2026, 12, 1, 9, 0), "on": date(2020, 1, 1)}
    conn.execute(text(f"INSERT INTO {table} (id, name, start_date, official_id, source_channel, review_state, "
                      "entered_at, changed_at) "
                      "VALUES (900001, 'Course', :on, :official_id, 'hr', 'draft', :now, :now)"),
                 values)
    conn.execute(text(f"UPDATE {table} SET hours = 8 WHERE id = 900001"))
    conn.execute(text(f"INSERT INTO {table}_version (id, transaction_id, operation_type, name) "
                      "VALUES (900001, 77, 0, 'Course')"))
    conn.execute(text(f"DELETE FROM {table}_version WHERE id = 900001"))
    conn.execute(text(f"DELETE FROM {table} WHERE id = 900001"))
    rows = conn.execute(text("SELECT table_name, row_key FROM backup_change WHERE id > :start ORDER BY id"),
                        {"start": start}).all()
    conn.execute(text("DELETE FROM backup_change WHERE id > :start"), {"start": start})
    return [(name.replace(table, "T"), key) for name, key in rows]


def test_a_section_built_by_the_helper_is_built_as_training_was(app, db, make_official):
    official_id = make_official().id
    # No transaction of the test's session may hold the official table while DDL references it.
    db.session.rollback()
    with db.engine.connect() as conn:
        operations = Operations(MigrationContext.configure(conn))
        create_section_table(operations, PROBE, *training_columns())
        conn.commit()
        try:
            for suffix in ("", "_version"):
                assert shape(conn, PROBE + suffix) == shape(conn, "training" + suffix), suffix
            assert tracked_writes(conn, PROBE, official_id) == tracked_writes(conn, "training", official_id) == [
                ("T", "900001"), ("T", "900001"), ("T_version", "900001|77"), ("T_version", "900001|77"),
                ("T", "900001")]
            conn.commit()
        finally:
            conn.rollback()
            drop_section_table(operations, PROBE)
            conn.commit()
        assert PROBE not in inspect(conn).get_table_names()
        assert triggers(conn, PROBE) == []


def test_an_indexed_column_of_a_section_is_indexed_in_both_tables(app, db):
    with db.engine.connect() as conn:
        operations = Operations(MigrationContext.configure(conn))
        create_section_table(operations, PROBE, sa.Column("relation", sa.String(16), nullable=False, index=True))
        conn.commit()
        try:
            for table in (PROBE, f"{PROBE}_version"):
                assert {"name": f"ix_{table}_relation", "column_names": ["relation"]}.items() <= {
                    k: v for i in inspect(conn).get_indexes(table) if i["name"] == f"ix_{table}_relation"
                    for k, v in i.items()}.items()
        finally:
            drop_section_table(operations, PROBE)
            conn.commit()
