"""The application factory: its start-up checks, and the hooks it (and only it) installs."""

import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import PUBLISHED_SECRETS, ConfigurationError, create_app, install_hooks

ROOT = Path(__file__).resolve().parents[2]
OUR_PACKAGES = ("app", "views", "jobs", "models", "security")
SESSION_EVENTS = ("before_flush", "after_flush", "after_flush_postexec", "after_commit", "after_rollback",
                  "after_soft_rollback", "do_orm_execute")

# Run in a fresh interpreter: importing the given modules, then printing every listener of
# ours on the ORM session class and every module of the upper layers that got imported.
PROBE = """
import sys
{imports}
from sqlalchemy.orm import Session
ours = ("app", "views", "jobs", "models", "security")
for name in {events!r}:
    for fn in getattr(Session.dispatch, name)._clslevel.get(Session, ()):
        if getattr(fn, "__module__", "").split(".")[0] in ours:
            print("hook", name, fn.__module__, fn.__qualname__)
for module in sorted(sys.modules):
    if module.split(".")[0] in ("app", "views", "jobs"):
        print("imported", module)
"""


def probe(*statements: str) -> list[str]:
    code = PROBE.format(imports="\n".join(statements), events=SESSION_EVENTS)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def our_listeners() -> list[tuple[str, str]]:
    return [(name, f"{fn.__module__}.{fn.__qualname__}")
            for name in SESSION_EVENTS for fn in getattr(Session.dispatch, name)._clslevel.get(Session, ())
            if getattr(fn, "__module__", "").split(".")[0] in OUR_PACKAGES]


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_INSTANCE_DIR", str(tmp_path / "instance"))
    return tmp_path / "instance"


def test_importing_models_maps_the_tables_and_installs_no_session_hook():
    lines = probe("import models", "assert models.Official.__table__ is not None")
    assert [line for line in lines if line.startswith("hook")] == []
    # Nor does it pull in the layers above the domain.
    assert [line for line in lines if line.startswith("imported")] == []


def test_the_application_installs_every_hook_of_the_domain_and_the_trail():
    # The probe above would see them: the same interpreter after install_hooks().
    hooks = {tuple(line.split()[1:3]) for line in probe("import app", "app.install_hooks()") if line.startswith("hook")}
    assert {module for _name, module in hooks} == {
        "models.validation", "models.encryption", "models.visibility", "models.catalogue", "models.pinyin",
        "models.organisation",
        "models.inspection", "models.disposal.destruction", "models.storage.attachments", "security.audit_hooks",
        "security.checkpointing"}
    assert ("do_orm_execute", "models.visibility") in hooks and ("before_flush", "models.validation") in hooks


def test_installing_the_hooks_again_changes_nothing(app, db, databases, make_official):
    from models import AuditEvent, Official
    from tests.apps import make_app

    before = our_listeners()
    assert before and len(before) == len(set(before)), "a hook is installed twice"
    install_hooks()
    install_hooks()
    # Another app in the same process (the tests build many) adds none either.
    make_app(databases.new("again"))
    assert our_listeners() == before
    with app.app_context():
        head = db.session.scalar(select(func.max(AuditEvent.seq)))
        official = make_official(mobile="13800138000")
        created = db.session.scalars(select(AuditEvent).where(
            AuditEvent.seq > head, AuditEvent.object_type == "official", AuditEvent.action == "create")).all()
        assert [event.object_id for event in created] == [str(official.id)]
        db.session.expire_all()
        # Encrypted once: a second pass would have encrypted the ciphertext again.
        assert db.session.get(Official, official.id, execution_options={"include_pending": True}).mobile \
            == "13800138000"


@pytest.mark.parametrize("secret", sorted(PUBLISHED_SECRETS))
def test_a_published_secret_key_is_refused(instance, secret):
    with pytest.raises(ConfigurationError, match="published value"):
        create_app({"SECRET_KEY": secret})


def test_production_refuses_to_start_without_a_secret_key(instance):
    with pytest.raises(ConfigurationError, match="SECRET_KEY is not set"):
        create_app({"DOSSIER_ENV": "production", "SECRET_KEY": ""})


def test_production_refuses_to_start_with_scanning_off(instance):
    with pytest.raises(ConfigurationError, match="CLAMD_REQUIRED"):
        create_app({"DOSSIER_ENV": "production", "SECRET_KEY": "a-real-secret-" * 4, "CLAMD_REQUIRED": False})


def test_unknown_attachment_types_are_refused_by_name(instance):
    with pytest.raises(ConfigurationError, match="unknown formats: docx, exe"):
        create_app({"ATTACHMENT_TYPES": ["pdf", "exe", "docx"]})


def test_the_instance_secret_is_created_once_readable_by_the_owner_alone(databases, instance):
    from tests.apps import make_app

    first = make_app(databases.new("secret"), SECRET_KEY=None,
                     DOSSIER_KEYSTORE_URL=f"sqlite:///{instance.parent / 'keystore.db'}")
    path = instance / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.config["SECRET_KEY"] == path.read_text().strip() and len(first.config["SECRET_KEY"]) >= 43
    # The factory a restore builds its instance with is this one.
    assert first.extensions["dossier_app_factory"] is create_app
