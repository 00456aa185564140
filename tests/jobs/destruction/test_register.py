"""The destruction register (销毁清册, §9.2.4): built from the frozen list and the execution's
report, signed, verified by a command that names what fails, never changed by the
application, printed on A4 for signing on paper."""

import json

import pytest
from sqlalchemy import func, select, text

from jobs.destruction import register
from models.disposal import applying
from models.disposal.destruction import DestructionRegister, RegisterImmutable
from models.disposal.items import Item


@pytest.fixture
def executed_list(db, users, make_material, disposal):
    material = make_material(title="重复的年度考核登记表", material_class="4-1")
    disposal.due(material)
    lst = applying.create(db.session, users["archivist"], "保管期满", "crypto_erase")
    applying.add_items(db.session, lst, users["archivist"], [Item.of(material)])
    applying.submit(db.session, lst, users["archivist"])
    applying.approve(db.session, lst, users["unit_head"], "同意销毁")
    db.session.commit()
    report = disposal.executed(lst, users["archivist"], users["unit_head"])
    return lst, material, report


def verify_command(app, *args):
    return app.test_cli_runner().invoke(args=["dossier", "destruction", "verify", *args])


def test_the_register_states_what_who_when_and_what_was_shredded(db, users, executed_list):
    from tests.helpers import last_seq, new_events

    lst, material, report = executed_list
    before = last_seq(db)
    sealed = register.build(db.session, lst)
    db.session.commit()
    body = register.body_of(sealed)
    assert body["list"] == lst.id and body["count"] == 1 and body["method"] == "crypto_erase"
    assert body["items"][0]["title"] == "重复的年度考核登记表" and body["items"][0]["class"] == "4-1"
    assert body["people"]["applicant"]["login"] == "archivist"
    assert body["people"]["approver"]["login"] == "unit_head"
    assert body["people"]["supervisor"]["login"] == "unit_head"
    assert body["file_keys_shredded"] == [str(9000 + material.id)]
    assert body["backup_purge"]["file_keys"][str(9000 + material.id)] == {"/mnt/backup-a": "done",
                                                                          "/mnt/backup-b": "done"}
    assert body["snapshots_gone_by"] == report["snapshots_gone_by"]
    assert register.check(sealed) is None
    assert register.build(db.session, lst).id == sealed.id  # built once
    [event] = [e for e in new_events(db, before) if e.action == "destruction_registered"]
    assert "重复" not in event.details and json.loads(event.details)["list"] == lst.id


def test_only_an_executed_list_gets_a_register(db, users, make_material, disposal):
    material = make_material()
    disposal.due(material)
    lst = applying.create(db.session, users["archivist"], "保管期满", "crypto_erase")
    with pytest.raises(register.RegisterRefused):
        register.build(db.session, lst)


def test_the_verify_command_passes_and_fails_naming_the_edited_register(app, db, executed_list):
    lst, _material, _report = executed_list
    sealed = register.build(db.session, lst)
    db.session.commit()
    passed = verify_command(app)
    assert passed.exit_code == 0, passed.output
    assert f"register {sealed.id}: signature verifies" in passed.output

    # Behind the application: the body edited with raw SQL.
    edited = sealed.body.replace("重复的年度考核登记表", "无关的材料")
    db.session.execute(text("UPDATE destruction_register SET body = :body WHERE id = :id"),
                       {"body": edited, "id": sealed.id})
    db.session.commit()
    failed = verify_command(app, str(sealed.id))
    assert failed.exit_code == 1
    assert f"register {sealed.id}: FAILS: body_changed" in failed.output
    db.session.expire_all()
    assert register.check(db.session.get(DestructionRegister, sealed.id)) == "body_changed"


def test_a_forged_hash_does_not_pass_for_a_signature(app, db, executed_list):
    lst, _material, _report = executed_list
    sealed = register.build(db.session, lst)
    db.session.commit()
    edited = sealed.body.replace("保管期满", "随意销毁")
    db.session.execute(text("UPDATE destruction_register SET body = :body, sha256 = :sha WHERE id = :id"),
                       {"body": edited, "sha": register.digest(edited), "id": sealed.id})
    db.session.commit()
    failed = verify_command(app)
    assert failed.exit_code == 1 and "bad_signature" in failed.output


def test_the_application_never_changes_or_deletes_a_register(db, executed_list):
    lst, _material, _report = executed_list
    sealed = register.build(db.session, lst)
    db.session.commit()
    sealed.body = "{}"
    with pytest.raises(RegisterImmutable):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(DestructionRegister, sealed.id))
    with pytest.raises(RegisterImmutable):
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(DestructionRegister)) == 1


def test_the_register_prints_on_a4_with_signature_lines(db, executed_list):
    lst, _material, _report = executed_list
    sealed = register.build(db.session, lst)
    db.session.commit()
    data = register.pdf(sealed, "archivist 2026-12-02 10:00")
    assert data.startswith(b"%PDF") and b"/MediaBox [0 0 595.28 841.89]" in data


def test_every_backup_holds_the_register(db, executed_list):
    """Full backups dump, and manifests count, every table of the metadata; incremental
    ones carry the rows the change-tracking triggers log, and the register's table has them."""
    from jobs.backup.database import NOT_COUNTED, metadata
    from models.tracking import changed_keys, position, tracked_tables

    assert "destruction_register" in metadata().tables and "destruction_register" not in NOT_COUNTED
    with db.engine.connect() as conn:
        assert "destruction_register" in tracked_tables(conn)
        before = position(conn)
    lst, _material, _report = executed_list
    sealed = register.build(db.session, lst)
    db.session.commit()
    with db.engine.connect() as conn:
        assert str(sealed.id) in changed_keys(conn, before, position(conn)).get("destruction_register", set())
