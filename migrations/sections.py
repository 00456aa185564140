"""One call per dossier section in a migration: its table, its version table, its indexes
and its change tracking, as the existing sections have them.

    from migrations.sections import create_section_table, drop_section_table

    def upgrade():
        create_section_table(op, "family_member",
                             sa.Column("name", sa.String(length=50), nullable=False),
                             sa.Column("relation", sa.String(length=16), nullable=False))

    def downgrade():
        drop_section_table(op, "family_member")

``columns`` are the section's own; the helper adds what every section record carries
(``models.base.SectionRecord``: owner, source, receipt, review state, who and when),
the SQLAlchemy-Continuum version table (every column nullable, the transaction
columns, its indexes), the official-page index (official, review state) and the
triggers that feed incremental backups, on both tables. A column declared with
``index=True`` is indexed in both tables, as Continuum does.

Migrations that use it make it history: change what it builds only in a new module
(``sections_v2``), never here, as for ``migrations.frozen``.
"""

import sqlalchemy as sa

from migrations.frozen import tracking_v1


def _record_columns(name: str) -> list:
    """The columns of ``SectionRecord`` as its model declares them, in their table order."""
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("official_id", sa.Integer(), sa.ForeignKey("official.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("source_channel", sa.String(length=16), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("review_state", sa.String(length=16), nullable=False, index=True),
        sa.Column("source_department_id", sa.Integer(), sa.ForeignKey("department.id"), nullable=True),
        sa.Column("entered_at", sa.DateTime(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), sa.ForeignKey("ab_user.id"), nullable=True),
        sa.Column("receipt_id", sa.Integer(),
                  sa.ForeignKey("collection_receipt.id", name=f"fk_{name}_receipt_id", ondelete="SET NULL"),
                  nullable=True, index=True),
    ]


def _version_column(column: sa.Column) -> sa.Column:
    """A live column as Continuum keeps it in the version table: nullable, no key, no default."""
    key = column.name == "id"
    return sa.Column(column.name, column.type, autoincrement=False, nullable=not key,
                     index=bool(column.index) and not key)


def create_section_table(op, name: str, *columns: sa.Column) -> None:
    op.create_table(name, *columns, *_record_columns(name), sa.PrimaryKeyConstraint("id"))
    # The official page reads each section by official and review state.
    op.create_index(f"ix_{name}_official_state", name, ["official_id", "review_state"], unique=False)

    version = f"{name}_version"
    record = _record_columns(name)
    op.create_table(
        version,
        *[_version_column(c) for c in (*columns, *record[:-1])],
        sa.Column("transaction_id", sa.BigInteger(), autoincrement=False, nullable=False, index=True),
        sa.Column("end_transaction_id", sa.BigInteger(), nullable=True, index=True),
        sa.Column("operation_type", sa.SmallInteger(), nullable=False, index=True),
        _version_column(record[-1]),
        sa.PrimaryKeyConstraint("id", "transaction_id"),
    )
    # Continuum's lookups: the versions of a record newest first, and the one valid at a transaction.
    op.create_index(f"ix_{version}_pk_transaction_id", version, ["id", sa.literal_column("transaction_id DESC")],
                    unique=False)
    op.create_index(f"ix_{version}_pk_validity", version, ["id", "transaction_id", "end_transaction_id"],
                    unique=False)
    tracking_v1.install(op.get_bind(), {name: ["id"], version: ["id", "transaction_id"]})


def drop_section_table(op, name: str) -> None:
    """Both tables; their indexes and triggers go with them (the shared trigger function stays)."""
    op.drop_table(f"{name}_version")
    op.drop_table(name)
