"""Every setting declared with a type is read from the environment by that type (config.py)."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import UnionType
from typing import get_args

import pytest

import config

# A value of each declared type as an operator writes it, and what it must become.
WRITTEN = {
    int: ("42", 42),
    float: ("2.5", 2.5),
    bool: ("off", False),
    str: ("written", "written"),
    list[str]: ("a, b,,c", ["a", "b", "c"]),
    config.PathList: (os.pathsep.join(["/media/a", "/media/b"]), ["/media/a", "/media/b"]),
    dict: ('{"fixity": {"trigger": "cron"}}', {"fixity": {"trigger": "cron"}}),
    timedelta: ("3600", timedelta(hours=1)),
}
# Read from the environment before the loader existed: they must stay so.
READ_BEFORE = {
    "DOSSIER_ENV", "SECRET_KEY", "RATELIMIT_STORAGE_URI", "DOSSIER_KEK_FILE", "DOSSIER_KEK", "DOSSIER_KEYSTORE_URL",
    "DOSSIER_AUDIT_KEY_FILE", "DOSSIER_AUDIT_SIGNING_KEY_FILE", "DOSSIER_AUDIT_CHECKPOINT_FILE", "ATTACHMENT_STORE",
    "CLAMD_SOCKET", "CLAMD_DATABASE_DIR", "DOSSIER_BACKUP_PASSWORD_FILE", "DOSSIER_ENTRY_DEADLINE_DAYS",
    "ATTACHMENT_MAX_BYTES", "PASSWORD_MAX_AGE_DAYS", "CONSULTATION_TERMINALS", "DOSSIER_BEHIND_PROXY",
    "DOSSIER_TRUSTED_PROXIES", "SESSION_IDLE_MINUTES", "AUDIT_CHECKPOINT_EVERY_EVENTS",
    "AUDIT_CHECKPOINT_EVERY_SECONDS", "ATTACHMENT_TYPES", "DOSSIER_BACKUP_TARGETS", "RESTORE_TEST_DATABASE_URL",
    "CLAMD_TIMEOUT", "CLAMD_REQUIRED", "APP_NAME", "BABEL_DEFAULT_LOCALE",
}


def _base(kind):
    """``int`` of ``int | None``."""
    if isinstance(kind, UnionType):
        (kind,) = (arg for arg in get_args(kind) if arg is not type(None))
    return kind


def test_every_declared_setting_is_read_from_its_variable_by_its_type():
    declared = config.__annotations__
    assert READ_BEFORE <= set(declared)
    environ = {name: WRITTEN[_base(kind)][0] for name, kind in declared.items()}
    found = config.from_environment(declared, environ)
    assert set(found) == set(declared)
    for name, kind in declared.items():
        assert found[name] == WRITTEN[_base(kind)][1], name


def test_an_empty_variable_means_none_where_a_setting_may_be_none_and_unset_means_the_default():
    declared = {"ATTACHMENT_STORE": str | None, "MAX_CONTENT_LENGTH": int | None, "SESSION_IDLE_MINUTES": int}
    assert config.from_environment(declared, {"ATTACHMENT_STORE": "", "MAX_CONTENT_LENGTH": " "}) == {
        "ATTACHMENT_STORE": None, "MAX_CONTENT_LENGTH": None}


@pytest.mark.parametrize("name, kind, raw", [
    ("SESSION_IDLE_MINUTES", int, "half an hour"),
    ("CLAMD_REQUIRED", bool, "perhaps"),
    ("CLAMD_TIMEOUT", float, "soon"),
    ("DOSSIER_JOB_TRIGGERS", dict, "[1, 2]"),
    ("MAX_CONTENT_LENGTH", int | None, "big"),
])
def test_a_value_its_type_cannot_take_is_refused_naming_the_variable(name, kind, raw):
    with pytest.raises(config.SettingError) as refused:
        config.from_environment({name: kind}, {name: raw})
    assert name in str(refused.value) and repr(raw) in str(refused.value)


def test_the_environment_is_read_at_start_and_a_bad_value_stops_it():
    root = Path(config.__file__).parent
    probe = "import config; print(config.DOSSIER_ENTRY_DEADLINE_DAYS, config.SESSION_COOKIE_SECURE)"

    def start(**environ):
        return subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True,
                              env={**os.environ, **environ})

    started = start(DOSSIER_ENTRY_DEADLINE_DAYS="20", DOSSIER_ENV="production")
    assert started.returncode == 0, started.stderr
    assert started.stdout.split() == ["20", "True"]  # secure cookies follow the environment's DOSSIER_ENV
    stopped = start(DOSSIER_ENTRY_DEADLINE_DAYS="twenty")
    assert stopped.returncode != 0
    assert "DOSSIER_ENTRY_DEADLINE_DAYS must be a whole number" in stopped.stderr
