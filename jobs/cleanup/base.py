"""What a cleaner is, and the guard every removal passes (see ``jobs.cleanup``)."""

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from flask_babel import gettext as _

from security.errors import Refusal


class CleanupRefused(Refusal):
    """A cleaner offered something outside its kind: nothing of that kind was removed."""


@dataclass(frozen=True)
class Candidate:
    """One thing a cleaner would remove, and why.

    ``ref`` names it in the audit trail and on the screen: a row as "table:id", a file by
    its place in its own directory (stored files are named by a hash, temp files by a
    random name), never by what it holds. ``row`` or ``path`` is what the remover touches.
    """

    kind: str
    ref: str
    reason: str
    since: datetime | None = None
    row: tuple[str, int] | None = None
    path: Path | None = None
    size: int | None = None


@dataclass(frozen=True)
class Cleaner:
    kind: str
    label: object
    # now → what it would remove now (a dry run: reads only).
    find: Callable[[datetime], list[Candidate]]
    # the candidates (already guarded) → how many it removed; the caller commits and audits.
    remove: Callable[[list[Candidate]], int]
    # The only tables whose rows it may remove, and the directories whose files.
    tables: frozenset = frozenset()
    roots: Callable[[], list[Path]] = lambda: []
    # now, send → the notices it gives (drafts only); send=False lists them without sending.
    notify: Callable[[datetime, bool], list[Candidate]] | None = None
    # Rows of these tables must pass this check again at removal (drafts: still a draft).
    row_check: Callable[[str, int], bool] | None = None
    notes: tuple = field(default=())


def _inside(path: Path, roots: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved.is_relative_to(root.resolve()) for root in roots)


def guard(cleaner: Cleaner, candidates: list[Candidate], dossier_tables: set[str]) -> None:
    """Refuse the whole batch unless every candidate is of the cleaner's own kind.

    Dossier content is never cleaned: a row of a dossier table may go only through a
    cleaner that names the table and re-checks the row (drafts: still a draft, so never
    an approved record), and a file only from the directories the cleaner names."""
    roots = cleaner.roots()
    for candidate in candidates:
        if candidate.kind != cleaner.kind:
            raise CleanupRefused("other_kind", _("The clean-up of %(kind)s was offered an item of another kind: "
                                                 "nothing was removed.", kind=cleaner.kind))
        if candidate.row is not None:
            table, row_id = candidate.row
            if table not in cleaner.tables:
                raise CleanupRefused("table", _("The clean-up of %(kind)s may not remove rows of %(table)s: "
                                                "nothing was removed.", kind=cleaner.kind, table=table))
            if table in dossier_tables and (cleaner.row_check is None or not cleaner.row_check(table, row_id)):
                raise CleanupRefused("dossier", _("Dossier content is never cleaned (%(ref)s): nothing was removed.",
                                                  ref=candidate.ref))
        if candidate.path is not None and not _inside(candidate.path, roots):
            raise CleanupRefused("path", _("The clean-up of %(kind)s may not remove %(ref)s: nothing was removed.",
                                           kind=cleaner.kind, ref=candidate.ref))
        if candidate.row is None and candidate.path is None:
            raise CleanupRefused("nothing", _("The clean-up of %(kind)s was offered an item it cannot name: "
                                              "nothing was removed.", kind=cleaner.kind))
