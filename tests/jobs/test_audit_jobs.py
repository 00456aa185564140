"""`flask dossier audit verify | checkpoint`: what the operator and the scheduler run (§6.3)."""

import json


def run(trail, *args):
    return trail.app.test_cli_runner().invoke(args=["dossier", "audit", *args])


def test_verify_reports_a_sound_trail_with_its_speed(trail):
    trail.append(25)
    result = run(trail, "verify")
    assert result.exit_code == 0, result.output
    assert "checked 25 events" in result.output and "events/s" in result.output and "OK" in result.output


def test_verify_exits_non_zero_and_names_the_first_bad_event(trail):
    trail.append(12)
    trail.as_attacker("UPDATE audit_event SET object_id = '1000' WHERE seq = 9")
    result = run(trail, "verify")
    assert result.exit_code == 1
    assert "BROKEN at event 9 [chain_mismatch]" in result.output
    assert "checked 8 events" in result.output


def test_verify_reports_a_deleted_event(trail):
    trail.append(5)
    trail.as_attacker("DELETE FROM audit_event WHERE seq = 2")
    result = run(trail, "verify")
    assert result.exit_code == 1 and "BROKEN at event 2 [gap]" in result.output


def test_checkpoint_appends_a_signed_line_and_verify_uses_it(trail):
    trail.append(4)
    assert run(trail, "checkpoint").exit_code == 0
    trail.append(3)
    assert run(trail, "checkpoint").exit_code == 0
    lines = [json.loads(line) for line in trail.checkpoint_file.read_text().splitlines()]
    assert [(line["seq"], sorted(line)) for line in lines] == [
        (4, ["at", "chain", "seq", "signature"]), (7, ["at", "chain", "seq", "signature"]),
    ]
    assert lines[1]["chain"] == trail.events()[-1].chain
    # The signing key is outside the database, its public half beside it for the verifier.
    assert trail.checkpoint_file.with_name("audit-signing.key.pub").exists()

    trail.as_attacker("DELETE FROM audit_event WHERE seq > 5",
                      "UPDATE audit_chain_head SET seq = 5, chain = (SELECT chain FROM audit_event WHERE seq = 5)")
    result = run(trail, "verify")
    assert result.exit_code == 1 and "BROKEN at event 6 [truncated]" in result.output


def test_checkpoint_refuses_to_vouch_for_a_broken_tail(trail):
    trail.append(3)
    run(trail, "checkpoint")
    trail.append(3)
    trail.as_attacker("UPDATE audit_event SET action = 'login' WHERE seq = 5")
    result = run(trail, "checkpoint")
    assert result.exit_code == 1 and "Not checkpointed" in result.output
    assert len(trail.checkpoint_file.read_text().splitlines()) == 1
    assert run(trail, "verify", "--since-checkpoint").exit_code == 1
