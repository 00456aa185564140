"""The audit trail, as an auditor would test it (regulation §5.3, §6.3).

Each story runs on a throw-away database of its own (``trail``), so that what the
attacker breaks there stays broken there. The attacker has write access to the
database, switches the append-only triggers off, but does not hold the audit key
(except where said) nor the checkpoint signing key.
"""

import hmac
import json
import multiprocessing
import uuid

import pytest
from sqlalchemy import exc, text

# Explicit: maps the tables even before models/__init__ imports them.
from security.audit_tables import AuditChainHead, AuditEvent
from security import audit
from tests.apps import DEMO_PASSWORD, make_app
from tests.helpers import last_seq, new_events


def refused(trail, statement) -> str:
    """The database's refusal of ``statement``, as text; fails if it was accepted."""
    with pytest.raises(exc.DBAPIError) as error:
        with trail.db.engine.begin() as conn:
            conn.execute(text(statement))
    return str(error.value.orig)


# --- a sound trail ---------------------------------------------------------------------------

def test_a_sequence_of_events_verifies_with_gap_free_numbers(trail):
    audit.record("login", actor="clerk")
    audit.record("read", object_type="official", object_id=42, details={"section": "career", "pages": [1, 2]})
    audit.record("export", object_type="roster", details={"department": "D01", "rows": 120})
    audit.record("logout", actor="clerk")
    trail.session.commit()

    events = trail.events()
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert [e.action for e in events] == ["login", "read", "export", "logout"]
    # Stored already canonical: what is chained is exactly what is stored.
    assert events[1].details == '{"pages":[1,2],"section":"career"}'
    assert events[1].object_id == "42"
    assert events[0].at.endswith("Z") and events[0].at <= events[3].at

    result = trail.verify()
    assert result.ok, result.message
    assert (result.checked, result.first_bad_seq, result.problem) == (4, None, None)
    head = trail.session.get(AuditChainHead, 1)
    assert (head.seq, head.chain) == (4, events[-1].chain)


def test_each_chain_value_is_the_hmac_of_the_previous_one_and_the_event(trail):
    trail.append(3)
    key = audit.audit_key()
    previous = hmac.digest(key, b"dossier-audit-genesis", "sha256")
    for event in trail.events():
        fields = [getattr(event, name) for name in audit.ENCODED]
        previous = hmac.digest(key, previous + audit.encode(*fields), "sha256")
        assert event.chain == previous.hex()


def test_the_empty_trail_verifies(trail):
    result = trail.verify()
    assert result.ok and result.checked == 0


def test_a_rolled_back_action_leaves_no_event_and_no_gap(trail):
    trail.append(2)
    audit.record("delete", object_type="official", object_id="7")
    trail.session.rollback()
    trail.append(1)
    assert [e.seq for e in trail.events()] == [1, 2, 3]
    assert "delete" not in [e.action for e in trail.events()]
    assert trail.verify().ok


def test_details_hold_references_never_a_password_and_fields_hold_no_control_characters(trail):
    with pytest.raises(ValueError):
        audit.record("login_failed", actor="clerk", details={"password": "secret"})
    with pytest.raises(ValueError):
        audit.record("Drop table", actor="clerk")
    audit.record("login_failed", actor="clerk\x1ffake\x00name", details={"reason": "bad_password\x1f"})
    trail.session.commit()
    (event,) = trail.events()
    assert event.actor_name == "clerk\ufffdfake\ufffdname"
    assert event.details == '{"reason":"bad_password\\u001f"}'
    assert trail.verify().ok


# --- the database refuses changes ------------------------------------------------------------

def test_the_database_refuses_to_update_or_delete_an_event(trail):
    trail.append(3)
    for statement in (
        "UPDATE audit_event SET details = '{}' WHERE seq = 2",
        "DELETE FROM audit_event WHERE seq = 3",
        "DELETE FROM audit_event",
        "DELETE FROM audit_chain_head",
        "UPDATE audit_chain_head SET seq = 1 WHERE id = 1",
    ) + (("TRUNCATE audit_event", "TRUNCATE audit_chain_head") if trail.kind == "postgresql" else ()):
        refusal = refused(trail, statement)
        assert "append-only" in refusal or "only moves forward" in refusal, statement
    assert [e.seq for e in trail.events()] == [1, 2, 3]
    assert trail.verify().ok


# --- an attacker with write access -----------------------------------------------------------

def test_an_edited_event_is_named_by_its_number(trail):
    trail.append(10)
    trail.as_attacker("UPDATE audit_event SET details = '{\"section\":\"sanction\"}' WHERE seq = 4")
    result = trail.verify()
    assert not result.ok
    assert (result.problem, result.first_bad_seq, result.checked) == ("chain_mismatch", 4, 3)
    assert "4" in result.message
    # The triggers are back on for everyone else.
    assert "append-only" in refused(trail, "UPDATE audit_event SET details = '{}' WHERE seq = 5")


def test_an_edit_that_moves_text_between_fields_is_caught(trail):
    trail.append(3, actor="clerk")
    trail.as_attacker("UPDATE audit_event SET actor_name = 'cl', action = 'erk' || char(31) || 'read' WHERE seq = 2"
                      if trail.kind == "sqlite" else
                      "UPDATE audit_event SET actor_name = 'cl', action = 'erk' || chr(31) || 'read' WHERE seq = 2")
    result = trail.verify()
    assert (result.problem, result.first_bad_seq) == ("malformed_event", 2)


def test_a_deleted_event_leaves_a_gap_named_by_its_number(trail):
    trail.append(10)
    trail.as_attacker("DELETE FROM audit_event WHERE seq = 6")
    result = trail.verify()
    assert (result.ok, result.problem, result.first_bad_seq, result.checked) == (False, "gap", 6, 5)


def test_deleting_the_checkpointed_event_itself_is_a_gap_even_for_the_bounded_check(trail):
    trail.append(5)
    audit.checkpoint(trail.session)
    trail.append(3)
    trail.as_attacker("DELETE FROM audit_event WHERE seq = 5")
    for result in (trail.verify(), trail.verify(since_last_checkpoint=True)):
        assert (result.problem, result.first_bad_seq) == ("gap", 5)


def test_a_truncated_tail_is_reported_by_the_head_and_by_the_signed_checkpoint(trail):
    trail.append(10)
    audit.checkpoint(trail.session)
    trail.append(5)
    trail.as_attacker("DELETE FROM audit_event WHERE seq >= 8")
    result = trail.verify()
    assert (result.problem, result.first_bad_seq) == ("truncated", 8)

    # Rewinding the head to the new last event as well: the checkpoint still names event 10.
    trail.as_attacker(
        "UPDATE audit_chain_head SET seq = 7, chain = (SELECT chain FROM audit_event WHERE seq = 7) WHERE id = 1"
    )
    result = trail.verify()
    assert (result.problem, result.first_bad_seq) == ("truncated", 8)
    assert result.params["source"] == "checkpoint" and result.params["named"] == 10
    # The status screen's bounded check sees it too.
    tail = trail.verify(since_last_checkpoint=True)
    assert (tail.ok, tail.problem) == (False, "truncated")


TAMPERINGS = {
    "intact": [],
    # Events 1-12 over three processes make ranges 1-4, 5-8, 9-12.
    "edit in the second range": ["UPDATE audit_event SET object_id = '999' WHERE seq = 6"],
    "the chain value a range starts from forged": ["UPDATE audit_event SET chain = :forged WHERE seq = 4"],
    "edits in two ranges": ["UPDATE audit_event SET object_id = '999' WHERE seq IN (7, 11)"],
    "the event a range starts from deleted": ["DELETE FROM audit_event WHERE seq = 8"],
    "the tail of a range deleted": ["DELETE FROM audit_event WHERE seq IN (7, 8)"],
    "the tail of the trail deleted": ["DELETE FROM audit_event WHERE seq >= 11"],
    "the checkpointed event rewritten": ["UPDATE audit_event SET chain = :forged WHERE seq = 5"],
}


def test_verifying_over_several_processes_reports_what_one_process_reports(trail):
    # A long trail is verified in ranges at once, each range from the chain value stored
    # before it: a forged boundary or a missing range tail must still be caught, and the
    # first problem in seq order is the one reported.
    trail.append(5)
    audit.checkpoint(trail.session)
    trail.append(7)
    assert last_seq(trail.db) == 12
    trail.as_attacker("CREATE TABLE original_events AS SELECT * FROM audit_event")
    for tampering, statements in TAMPERINGS.items():
        trail.as_attacker(*statements, forged="ab" * 32)
        alone = trail.verify(workers=1)
        trail.session.rollback()
        together = trail.verify(workers=3)
        trail.session.rollback()
        assert alone.ok is not statements, tampering
        assert (together.ok, together.problem, together.first_bad_seq, together.checked, together.params) == \
            (alone.ok, alone.problem, alone.first_bad_seq, alone.checked, alone.params), tampering
        if alone.ok:
            assert (together.last_seq, together.last_chain) == (alone.last_seq, alone.last_chain)
            assert together.checkpoint.seq == alone.checkpoint.seq == 5
        trail.as_attacker("DELETE FROM audit_event", "INSERT INTO audit_event SELECT * FROM original_events")

    # Events the caller's own transaction appended (a checkpoint taken before its commit)
    # are seen only by the caller's connection: they are verified too, not called missing.
    audit.record("read", object_type="official", object_id="13")
    for caller in (trail.session, trail.session.connection()):
        pending = audit.verify(caller, workers=3)
        assert (pending.ok, pending.checked, pending.last_seq) == (True, 13, 13), pending.message
    trail.session.rollback()


def test_a_trail_rebuilt_with_a_stolen_key_is_caught_by_the_signed_checkpoint(trail):
    trail.append(10)
    audit.checkpoint(trail.session)
    key = audit.audit_key()
    events = trail.events()
    events[2].details = '{"section":"training"}'
    previous = bytes.fromhex(events[1].chain)
    rewritten = []
    for event in events[2:]:
        previous = hmac.digest(key, previous + audit.encode(*(getattr(event, n) for n in audit.ENCODED)), "sha256")
        rewritten.append({"seq": event.seq, "details": event.details, "chain": previous.hex()})
    trail.session.rollback()
    for row in rewritten:
        trail.as_attacker("UPDATE audit_event SET details = :details, chain = :chain WHERE seq = :seq", **row)
    trail.as_attacker("UPDATE audit_chain_head SET chain = :chain WHERE id = 1", chain=rewritten[-1]["chain"])

    assert trail.verify(checkpoints=False).ok  # the chain alone cannot tell
    result = trail.verify()
    assert (result.problem, result.first_bad_seq) == ("checkpoint_mismatch", 10)
    with pytest.raises(audit.AuditError):
        audit.checkpoint(trail.session)  # and no new checkpoint vouches for it


def test_a_forged_checkpoint_line_is_reported(trail):
    trail.append(5)
    audit.checkpoint(trail.session)
    trail.append(5)
    line = json.loads(trail.checkpoint_file.read_text().splitlines()[-1])
    forged = {**line, "seq": 10, "chain": trail.events()[-1].chain}
    with trail.checkpoint_file.open("a") as fh:
        fh.write(json.dumps(forged) + "\n")
    result = trail.verify()
    assert (result.problem, result.first_bad_seq, result.params["line"]) == ("bad_checkpoint_signature", 10, 2)
    assert not trail.verify(since_last_checkpoint=True).ok

    trail.checkpoint_file.write_text(trail.checkpoint_file.read_text().splitlines()[0] + "\nnot json\n")
    assert trail.verify().problem == "bad_checkpoint"


def test_a_writer_holding_another_key_refuses_to_append(trail, tmp_path):
    trail.append(2)
    other = tmp_path / "other.key"
    other.write_bytes(b"k" * 32)
    trail.app.config["DOSSIER_AUDIT_KEY_FILE"] = str(other)
    with pytest.raises(audit.AuditError, match="fork"):
        audit.record("read")
    trail.session.rollback()
    assert trail.verify().problem == "wrong_key"


def test_production_without_a_key_file_is_a_clear_error(trail, tmp_path):
    trail.app.config.update(DOSSIER_ENV="production", DOSSIER_AUDIT_KEY_FILE=str(tmp_path / "absent.key"))
    with pytest.raises(audit.AuditError, match="DOSSIER_AUDIT_KEY_FILE"):
        audit.init_app(trail.app)
    with pytest.raises(audit.AuditError, match="DOSSIER_AUDIT_KEY_FILE"):
        audit.record("read")
    assert not (tmp_path / "absent.key").exists()


# --- concurrent writers ----------------------------------------------------------------------

def _append_from_another_process(url, overrides, name, count, barrier):
    application = make_app(url, **overrides)
    with application.app_context():
        from models.db import db

        barrier.wait(timeout=120)
        for i in range(count):
            audit.record("read", actor=name, object_type="probe", object_id=f"{name}-{i}")
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


def test_two_processes_appending_at_once_leave_one_gap_free_chain(trail):
    audit.audit_key()  # created once, before the workers share it
    overrides = dict(trail.overrides)
    if trail.kind == "sqlite":
        # Writers queue on SQLite's database lock; give each the time the other needs.
        overrides["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 60}}
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(2)
    workers = [
        spawn.Process(target=_append_from_another_process, args=(trail.url, overrides, name, 150, barrier))
        for name in ("worker_a", "worker_b")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert [w.exitcode for w in workers] == [0, 0]

    events = trail.events()
    assert [e.seq for e in events] == list(range(1, 301))
    writers = [e.actor_name for e in events]
    assert set(writers) == {"worker_a", "worker_b"}
    # They really wrote at the same time: the chain passes from one to the other and back.
    # (SQLite's busy handler may let one process keep the write lock throughout, so
    # interleaving is asserted where the product runs with several workers.)
    if trail.kind == "postgresql":
        assert sum(a != b for a, b in zip(writers, writers[1:])) >= 2
    # Each worker's own events are in its own order: one queue, no reordering.
    for name in ("worker_a", "worker_b"):
        mine = [e.object_id for e in events if e.actor_name == name]
        assert mine == [f"{name}-{i}" for i in range(150)]
    result = trail.verify()
    assert result.ok and result.checked == 300, result.message


# --- logins ----------------------------------------------------------------------------------

def test_failed_and_successful_logins_are_recorded_without_the_password(app, db, client):
    before = last_seq(db)
    wrong = f"Wrong-{uuid.uuid4().hex[:6]}!"
    client.post("/login/", data={"username": "clerk", "password": wrong})
    client.post("/login/", data={"username": "nobody_here", "password": wrong})
    client.post("/login/", data={"username": "clerk", "password": DEMO_PASSWORD})
    client.post("/logout/")

    events = new_events(db, before)
    from security.keys import keyring

    # An unknown name may be a password typed in the wrong box: only its keyed hash is kept.
    typed = keyring().blind_index("nobody_here")[:16]
    assert [(e.action, e.actor_name, e.details) for e in events] == [
        ("login_failed", "clerk", '{"reason":"bad_password"}'),
        ("login_failed", "unknown account", f'{{"name_hmac":"{typed}","reason":"unknown_account"}}'),
        ("login", "clerk", "{}"),
        ("logout", "clerk", "{}"),
    ]
    clerk = app.appbuilder.sm.find_user(username="clerk")
    assert [e.actor_id for e in events] == [clerk.id, None, clerk.id, clerk.id]
    assert all(e.client_addr == "127.0.0.1" for e in events)
    for event in events:
        stored = " ".join(str(getattr(event, c.key)) for c in AuditEvent.__table__.columns)
        assert wrong not in stored and DEMO_PASSWORD not in stored
    assert audit.verify(db.session).ok
