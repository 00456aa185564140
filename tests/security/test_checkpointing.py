"""The writer checkpoints the audit chain as it goes (§6.3): cutting the newest events and
rewinding the chain head, as the database's owner could, is caught unless it stays within
the last few events or seconds, and a checkpoint log rewound in one place is caught by its
copy on a backup target."""

from security.audit_tables import AuditEvent
from security import audit, checkpointing


def cut_after(trail, seq):
    chain = trail.session.scalar(AuditEvent.__table__.select().with_only_columns(AuditEvent.__table__.c.chain)
                                 .where(AuditEvent.__table__.c.seq == seq))
    trail.session.rollback()
    trail.as_attacker("DELETE FROM audit_event WHERE seq > :seq",
                      "UPDATE audit_chain_head SET seq = :seq, chain = :chain WHERE id = 1", seq=seq, chain=chain)


def test_every_n_events_the_writer_signs_the_head(trail):
    trail.app.config.update(AUDIT_CHECKPOINT_EVERY_EVENTS=5, AUDIT_CHECKPOINT_EVERY_SECONDS=3600)
    trail.append(3)
    assert audit.read_checkpoints() == []  # not yet: 3 events since the start
    trail.append(3)
    assert [cp.seq for cp in audit.read_checkpoints()] == [6]
    trail.append(7)
    assert [cp.seq for cp in audit.read_checkpoints()] == [6, 13]


def test_a_cut_beyond_the_window_is_reported(trail):
    trail.app.config.update(AUDIT_CHECKPOINT_EVERY_EVENTS=5, AUDIT_CHECKPOINT_EVERY_SECONDS=3600)
    trail.append(12)  # checkpoints at 5 and 10
    cut_after(trail, 8)
    result = trail.verify()
    assert (result.ok, result.problem, result.first_bad_seq) == (False, "truncated", 9)


def test_after_a_quiet_spell_the_next_event_is_checkpointed(trail):
    trail.app.config.update(AUDIT_CHECKPOINT_EVERY_EVENTS=1000, AUDIT_CHECKPOINT_EVERY_SECONDS=0)
    trail.append(1)
    trail.append(1)
    assert [cp.seq for cp in audit.read_checkpoints()][-1] == 2


def test_the_copy_on_a_backup_target_catches_a_rewound_log(trail, tmp_path):
    target = tmp_path / "offsite"
    target.mkdir()
    trail.app.config.update(AUDIT_CHECKPOINT_EVERY_EVENTS=5, AUDIT_CHECKPOINT_EVERY_SECONDS=3600,
                            DOSSIER_BACKUP_TARGETS=[str(target)])
    trail.append(10)
    mirror = target / checkpointing.MIRROR_NAME
    assert mirror.read_text() == trail.checkpoint_file.read_text()
    trail.checkpoint_file.write_text("")  # the log on the server rewound
    cut_after(trail, 4)
    result = trail.verify()
    assert (result.ok, result.problem) == (False, "truncated")
