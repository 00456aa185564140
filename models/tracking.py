"""The change log behind incremental backups: triggers record every row written.

Each tracked table gets triggers that add (table, primary key) to
``backup_change`` on insert, update and delete. They are the database's own, so
bulk statements, raw SQL and writes that bypass versioning are recorded too. An
incremental backup dumps the current state of the rows named since its base
position, and a position every target already holds is pruned.

Migrations install the triggers for the tables they create
(``install(bind, {table: key columns})``); a test checks that every table of the
schema is tracked.
"""

from sqlalchemy import delete, func, select, text

from models.backup import BackupChange

CHANGES = BackupChange.__table__
# Not tracked: the log itself.
UNTRACKED = frozenset({"backup_change"})
KEY_SEPARATOR = "|"

# Statement-level triggers with transition tables: one INSERT … SELECT per
# statement, so a bulk insert of thousands of rows costs one extra statement.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION backup_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE format('INSERT INTO backup_change (table_name, row_key) SELECT %L, %s FROM backup_new',
                   TG_TABLE_NAME, TG_ARGV[0]);
  ELSIF TG_OP = 'UPDATE' THEN
    EXECUTE format('INSERT INTO backup_change (table_name, row_key) '
                   'SELECT %L, k FROM (SELECT %s AS k FROM backup_new UNION SELECT %s FROM backup_old) AS keys',
                   TG_TABLE_NAME, TG_ARGV[0], TG_ARGV[0]);
  ELSE
    EXECUTE format('INSERT INTO backup_change (table_name, row_key) SELECT %L, %s FROM backup_old',
                   TG_TABLE_NAME, TG_ARGV[0]);
  END IF;
  RETURN NULL;
END $$
"""
PG_EVENTS = {"insert": "NEW TABLE AS backup_new", "update": "OLD TABLE AS backup_old NEW TABLE AS backup_new",
             "delete": "OLD TABLE AS backup_old"}


def _key_sql(columns, prefix: str, cast: str) -> str:
    parts = [cast.format(f'{prefix}"{c}"') for c in columns]
    return f" || '{KEY_SEPARATOR}' || ".join(parts)


def _sqlite_trigger(table: str, event: str) -> str:
    return f"backup_track_{table}_{event}"


def install(bind, tables: dict[str, list[str]]) -> None:
    """Track ``tables`` (name → primary key columns)."""
    if bind.dialect.name == "postgresql":
        bind.execute(text(PG_FUNCTION))
        for table, columns in tables.items():
            key = _key_sql(columns, "", "{}::text").replace("'", "''")
            for event, referencing in PG_EVENTS.items():
                bind.execute(text(
                    f'CREATE TRIGGER backup_track_{event} AFTER {event.upper()} ON "{table}" '
                    f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION backup_track('{key}')"
                ))
        return
    for table, columns in tables.items():
        new, old = (_key_sql(columns, p, "CAST({} AS TEXT)") for p in ("NEW.", "OLD."))
        record = "INSERT INTO backup_change (table_name, row_key) VALUES ('{t}', {k});"
        bodies = {
            "insert": record.format(t=table, k=new),
            # A changed primary key leaves the old key behind as a deletion.
            "update": record.format(t=table, k=new) + (
                f" INSERT INTO backup_change (table_name, row_key) SELECT '{table}', {old} WHERE {old} IS NOT {new};"),
            "delete": record.format(t=table, k=old),
        }
        for event, body in bodies.items():
            bind.execute(text(
                f'CREATE TRIGGER {_sqlite_trigger(table, event)} AFTER {event.upper()} ON "{table}" '
                f"FOR EACH ROW BEGIN {body} END"
            ))


def uninstall(bind, tables) -> None:
    for table in tables:
        for event in PG_EVENTS:
            if bind.dialect.name == "postgresql":
                bind.execute(text(f'DROP TRIGGER IF EXISTS backup_track_{event} ON "{table}"'))
            else:
                bind.execute(text(f"DROP TRIGGER IF EXISTS {_sqlite_trigger(table, event)}"))
    if bind.dialect.name == "postgresql" and tables:
        bind.execute(text("DROP FUNCTION IF EXISTS backup_track()"))


def tracked_tables(bind) -> set[str]:
    """Tables that carry all three tracking triggers."""
    if bind.dialect.name == "postgresql":
        rows = bind.execute(text(
            "SELECT c.relname, count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname LIKE 'backup_track_%' GROUP BY c.relname"
        ))
    else:
        rows = bind.execute(text(
            "SELECT tbl_name, count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'backup_track_%' "
            "GROUP BY tbl_name"
        ))
    return {name for name, count in rows if count == len(PG_EVENTS)}


def key_columns(table) -> list:
    return list(table.primary_key.columns)


def parse_key(table, row_key: str) -> tuple:
    """The typed primary key of ``table`` from its text form in the log."""
    columns = key_columns(table)
    parts = row_key.split(KEY_SEPARATOR, len(columns) - 1)
    return tuple(int(p) if c.type.python_type is int else p for c, p in zip(columns, parts))


def position(conn) -> int:
    return conn.scalar(select(func.coalesce(func.max(CHANGES.c.id), 0)))


def changed_keys(conn, after: int, upto: int) -> dict[str, set[str]]:
    """Table name → keys of the rows written or deleted in (after, upto]."""
    found: dict[str, set[str]] = {}
    rows = conn.execute(
        select(CHANGES.c.table_name, CHANGES.c.row_key).distinct()
        .where(CHANGES.c.id > after, CHANGES.c.id <= upto)
    )
    for table_name, row_key in rows:
        found.setdefault(table_name, set()).add(row_key)
    return found


def prune(conn, upto: int | None) -> int:
    """Forget changes up to ``upto`` (every target holds them); None forgets all."""
    statement = delete(CHANGES)
    if upto is not None:
        statement = statement.where(CHANGES.c.id <= upto)
    return conn.execute(statement).rowcount
