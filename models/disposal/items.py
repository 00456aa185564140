"""What retention, appraisal, holds and destruction act on: one name for each item."""

from dataclasses import dataclass

DOSSIER, MATERIAL, RECORD = "dossier", "material", "record"
KINDS = (DOSSIER, MATERIAL, RECORD)


@dataclass(frozen=True)
class Item:
    """A whole dossier (``official_id`` only), a material (``table_name`` "material") or a
    section record (its table and id), always with the official whose dossier holds it."""

    kind: str
    official_id: int
    table_name: str | None = None
    record_id: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown item kind {self.kind!r}")
        if (self.kind == DOSSIER) != (self.record_id is None):
            raise ValueError("a dossier has no record id; a material or a record has one")
        if (self.kind == MATERIAL) != (self.table_name == "material"):
            raise ValueError("a material is a row of the material table")

    @classmethod
    def dossier(cls, official_id: int) -> "Item":
        return cls(DOSSIER, official_id)

    @classmethod
    def of(cls, row) -> "Item":
        """The item of a loaded material or section record."""
        table = row.__tablename__
        return cls(MATERIAL if table == "material" else RECORD, row.official_id, table, row.id)

    def load(self, session):
        """The row (whatever its review state and scope), or None if it is gone."""
        from ..official import Official
        from ..sections import BY_TABLE

        model = Official if self.kind == DOSSIER else BY_TABLE[self.table_name]
        key = self.official_id if self.kind == DOSSIER else self.record_id
        return session.get(model, key, execution_options={"include_pending": True, "all_departments": True})
