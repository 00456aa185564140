"""each stored file under a key of its own (§9.2 destruction of a single material)

- material.file_key_id (and on its version table, both indexed): the id of the file's key in the key
  store (security.keys file_key). Existing files keep NULL, which the attachment
  store reads under the official's data key as before, until
  ``flask --app app dossier attachments rekey`` (run by ``dossier init`` too) moves each
  to a key of its own: that step needs the key store and the files, not the schema, so it
  is not done here.

Plain ADD COLUMN (not batch mode): SQLite keeps the table and its change-tracking triggers.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('material', 'material_version'):
        op.add_column(table, sa.Column('file_key_id', sa.Integer(), nullable=True))
    for table in ('material', 'material_version'):
        op.create_index(f'ix_{table}_file_key_id', table, ['file_key_id'], unique=False)


def downgrade():
    for table in ('material_version', 'material'):
        op.drop_index(f'ix_{table}_file_key_id', table_name=table)
    # SQLite 3.35+ drops a column in place, keeping the table's triggers too. Files already
    # moved to keys of their own are unreadable by the older release: downgrade before rekeying.
    for table in ('material_version', 'material'):
        op.drop_column(table, 'file_key_id')
