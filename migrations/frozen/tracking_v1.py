"""Change-tracking triggers for incremental backups, as migrations 0007 and 0010 built them.

Frozen copy of ``models.tracking.install``/``uninstall`` at revision 0007: each
tracked table gets triggers that add (table, primary key as text) to
``backup_change`` on insert, update and delete (PostgreSQL: statement-level with
transition tables; SQLite: row-level). Never edit it (see ``migrations.frozen``).
"""

from sqlalchemy import text

KEY_SEPARATOR = "|"

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
