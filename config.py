"""Default configuration of the dossier system.

A setting declared with a type (``NAME: type = default``) can be overridden by an
environment variable of the same name, parsed by that type (``from_environment``):
``int`` a whole number, ``float`` a number, ``bool`` 1/true/yes/on or 0/false/no/off,
``str`` any text, ``list[str]`` items separated by commas, ``PathList`` paths
separated by the path separator (":" as in PATH), ``dict`` a JSON object,
``timedelta`` a number of seconds, and ``X | None`` an empty value for None. A value
that does not parse stops start-up with a message naming the variable.

Settings without a type are not read from the environment: they wire the framework
(FAB's classes, the tables it may create, its roles, the languages and catalogues) or
hold a security invariant (CSRF protection, no self-registration, the password rules'
validator, HttpOnly cookies). They, and every other setting, can be changed in a Python
file named in ``DOSSIER_CONFIG`` (read after this module, the way Superset reads
``superset_config``). Three environment variables go by other names: ``DATABASE_URL``
(``SQLALCHEMY_DATABASE_URI``), ``DOSSIER_INSTANCE_DIR`` (the instance folder) and
``DOSSIER_CONFIG``. A production deployment (``DOSSIER_ENV=production``) refuses to
start with the default secret key.
"""

import json
import os
from datetime import timedelta
from pathlib import Path
from types import UnionType
from typing import NewType, get_args

from flask_appbuilder.const import AUTH_DB
from flask_babel import lazy_gettext

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("DOSSIER_INSTANCE_DIR", BASE_DIR / "instance"))

DOSSIER_ENV: str = "development"

# The session signing key. None: outside production, a random secret created for this
# instance on first run (instance/secret.key, 0600); production refuses to start without one.
SECRET_KEY: str | None = None


def database_url(url: str | None) -> str:
    """Accept the plain ``postgresql://`` URLs operators write and use psycopg 3."""
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'dossier.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
SQLALCHEMY_TRACK_MODIFICATIONS = False
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
# PostgreSQL connections each process keeps open (SQLAlchemy's pool) and may open beyond
# them for a moment; app/gunicorn.conf.py sets them to 2 × and 1 × the worker's threads
# (a dossier page holds two at once, a checkpoint may take a third).
DATABASE_POOL_SIZE: int = 5
DATABASE_MAX_OVERFLOW: int = 2
# Static files (FAB's and app/static) may be cached by browsers this long (seconds);
# pages never are (security.session_guard). In production the proxy serves them.
SEND_FILE_MAX_AGE_DEFAULT: timedelta = timedelta(hours=12)

# Alembic owns the schema; FAB must never create tables behind its back, and
# permissions are synchronised by `flask dossier init`, not by every web worker.
FAB_CREATE_DB = False
FAB_UPDATE_PERMS = False
FAB_ADD_SECURITY_API = False
# FAB's raw permission, view-menu and permission-on-view screens ("can list on OfficialView")
# are not offered: the security administrator reads and changes roles in the permission matrix.
FAB_ADD_SECURITY_PERMISSION_VIEW = False
FAB_ADD_SECURITY_VIEW_MENU_VIEW = False
FAB_ADD_SECURITY_PERMISSION_VIEWS_VIEW = False
FAB_API_SWAGGER_UI = False

APP_NAME: str = lazy_gettext("Officials' electronic dossier system")
APP_THEME: str = ""
FAB_SECURITY_MANAGER_CLASS = "security.manager.DossierSecurityManager"
FAB_INDEX_VIEW = "views.home.HomeView"
# FAB's layout with the widgets' locales (select2, the date picker) of the reader's language.
FAB_BASE_TEMPLATE = "dossier/layout.html"

AUTH_TYPE = AUTH_DB
AUTH_ROLE_ADMIN = "Admin"
AUTH_ROLE_PUBLIC = "Public"
# In a system of three separate officers (三员分立) nobody holds every permission: FAB's
# Admin is a built-in role granting nothing (so FAB never fills it), and no account can
# be given it (security.approvals).
FAB_ROLES = {AUTH_ROLE_ADMIN: []}
AUTH_USER_REGISTRATION = False

# The UI speaks Simplified Chinese unless the user picks another language.
BABEL_DEFAULT_LOCALE: str = "zh"
# The unit's time zone (IANA name): the audit trail stores UTC and shows and reads times
# of this zone, to the second (security.unit_time, checked at start-up).
UNIT_TIMEZONE: str = "Asia/Shanghai"
BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "babel" / "translations")
LANGUAGES = {
    "zh": {"flag": "cn", "name": "简体中文"},
    "zh_Hant": {"flag": "hk", "name": "繁體中文"},
    "en": {"flag": "gb", "name": "English"},
}

# Idle sessions end (§6.1.2) after SESSION_IDLE_MINUTES, with an audit event and a message
# (security.session_guard). The cookie itself lives longer, so that the app, not the
# browser, is the one that ends an idle session and can say so.
SESSION_IDLE_MINUTES: int = 30
PERMANENT_SESSION_LIFETIME: timedelta = timedelta(hours=12)
SESSION_REFRESH_EACH_REQUEST: bool = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE: str = "Lax"
# Behind TLS (production), cookies travel only over HTTPS. DOSSIER_BEHIND_PROXY
# trusts the X-Forwarded-For/-Proto of one proxy, and only of a request that comes
# from one of DOSSIER_TRUSTED_PROXIES, so client addresses (audit trail, sign-in
# rate limit, reading terminals) and the scheme are the real ones. None: on in production.
SESSION_COOKIE_SECURE: bool | None = None
REMEMBER_COOKIE_SECURE: bool | None = None
DOSSIER_BEHIND_PROXY: bool = False
DOSSIER_TRUSTED_PROXIES: list[str] = ["127.0.0.1/32", "::1/128"]

# Account security (§6.1.2), checked by security.accounts.
PASSWORD_MIN_LENGTH: int = 12
PASSWORD_MIN_CLASSES: int = 3
PASSWORD_HISTORY: int = 5
PASSWORD_MAX_AGE_DAYS: int = 90
LOCKOUT_FAILURES: int = 5
LOCKOUT_MINUTES: int = 15
FAB_PASSWORD_COMPLEXITY_ENABLED = True


def FAB_PASSWORD_COMPLEXITY_VALIDATOR(password):  # noqa: N802  (FAB's setting name)
    from security.accounts import validate_password

    validate_password(password)


# Sign-in attempts per client address. FAB's AUTH_RATE_LIMITED does nothing unless
# RATELIMIT_ENABLED is also on; with RATELIMIT_STORAGE_URI (redis://…) every web
# worker and host counts together, otherwise each process counts alone.
AUTH_RATE_LIMITED: bool = True
RATELIMIT_ENABLED: bool = True
AUTH_RATE_LIMIT: str = "10 per minute"
# A moving window: no more than the limit in any minute. A fixed window lets twice the
# limit through across a window's edge (the end of one minute and the start of the next).
RATELIMIT_STRATEGY: str = "moving-window"
RATELIMIT_STORAGE_URI: str = "memory://"
RATELIMIT_KEY_PREFIX: str = "dossier"

WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT: int | None = None

# Keys kept outside the database; None means a file in the instance directory
# (created on first use in development, required in production).
DOSSIER_KEK_FILE: str | None = None
DOSSIER_KEK: str | None = None
DOSSIER_KEYSTORE_URL: str | None = None
DOSSIER_AUDIT_KEY_FILE: str | None = None
DOSSIER_AUDIT_SIGNING_KEY_FILE: str | None = None
DOSSIER_AUDIT_CHECKPOINT_FILE: str | None = None

# The writer signs the audit chain's head into the checkpoint log (and its copy on every
# backup target) after this many events or seconds, whichever comes first
# (security.checkpointing): the most that could be cut from the end of the trail unseen.
AUDIT_CHECKPOINT_EVERY_EVENTS: int = 100
AUDIT_CHECKPOINT_EVERY_SECONDS: int = 60

# Days within which material received must be entered (§3.2 及时录入).
DOSSIER_ENTRY_DEADLINE_DAYS: int = 15
# A destruction list (§9.2.2) needs, when true, a second approval by another unit head
# (never the applicant nor the first approver) before it is approved.
DESTRUCTION_SECOND_REVIEW: bool = False

# Attachments (§3.2 格式規範): where the encrypted files live (None: instance/attachments;
# a mounted volume or shared storage in production), which formats are accepted
# (keys of models.storage.formats.FORMATS, decided by content) and the largest file.
ATTACHMENT_STORE: str | None = None
ATTACHMENT_TYPES: list[str] = ["pdf", "ofd", "jpeg", "png", "tiff"]
ATTACHMENT_MAX_BYTES: int = 256 * 1024 * 1024
# Virus scanning (§6.2.2): every upload is scanned by ClamAV's daemon before it is
# stored. CLAMD_SOCKET is its unix socket (Debian's default) or tcp://host:port;
# clamd's StreamMaxLength, MaxFileSize and MaxScanSize must not be below
# ATTACHMENT_MAX_BYTES. Scanner unreachable means uploads are refused; turning
# CLAMD_REQUIRED off is refused in production. `dossier antivirus update` installs
# signature files into CLAMD_DATABASE_DIR (clamd's DatabaseDirectory).
CLAMD_SOCKET: str = "/var/run/clamav/clamd.ctl"
CLAMD_TIMEOUT: float = 300
CLAMD_REQUIRED: bool = True
CLAMD_DATABASE_DIR: str = "/var/lib/clamav"
# A request body larger than this is cut off before it is read (None: the
# attachment limit plus room for the form's other fields).
MAX_CONTENT_LENGTH: int | None = None

# Consultation (§5.3): grants are read only from these addresses (the archive's
# reading terminals; CIDR ranges), and last at most this many days.
CONSULTATION_TERMINALS: list[str] = ["127.0.0.1/32", "::1/128"]
CONSULTATION_MAX_DAYS: int = 30

# Backups (§8): restic repositories standing for separate media and an off-site
# copy (any path: a mounted disk, a network share; each must exist, the product
# creates the repository inside it). The repository password is read from a file
# beside the KEK (None: backup-repository.key there, created on first use outside
# production). Runs, restore tests and their scratch space are set here too.
PathList = NewType("PathList", list)
DOSSIER_BACKUP_TARGETS: PathList = PathList([])
DOSSIER_BACKUP_PASSWORD_FILE: str | None = None
BACKUP_STAGING_DIR: str | None = None  # None: instance/backup-staging
BACKUP_KEYRING_GENERATIONS: int = 3
# Retention (jobs.backup.retention): after each successful run, every target's snapshots
# are thinned to these restic keep rules (0: rule unused; "last" and "hourly" allowed
# too), then pruned. A kept incremental keeps the rest of its chain before it.
BACKUP_KEEP: dict = {"daily": 7, "weekly": 5, "monthly": 12, "yearly": 0}
RESTIC_BINARY: str = "restic"
# Share of the repository's data a restore test reads back (restic check --read-data-subset).
RESTORE_TEST_READ_DATA: str = "5%"
RESTORE_TEST_DIR: str | None = None  # None: instance/restore-test
# PostgreSQL: the scratch database a restore test rebuilds (None: "<database>_restore_test").
RESTORE_TEST_DATABASE_URL: str | None = None
RESTORE_TEST_SAMPLE: int = 20

# Data clean-up (§4.3.3, jobs.cleanup): collection receipts nothing was entered from,
# and drafts nobody changed, older than these days; a stale draft's author is told
# and the draft removed only this many days later.
CLEANUP_RECEIPT_MAX_AGE_DAYS: int = 180
CLEANUP_DRAFT_MAX_AGE_DAYS: int = 90
CLEANUP_DRAFT_NOTICE_DAYS: int = 14

# Triggers of the scheduled jobs (jobs.scheduler.JOBS), by job name, e.g.
# {"fixity": {"trigger": "cron", "day_of_week": "sun", "hour": 3}}.
DOSSIER_JOB_TRIGGERS: dict = {}


# --- the environment ------------------------------------------------------------------------

class SettingError(ValueError):
    """An environment variable holds a value its setting's type cannot take."""


def _yes_no(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


def _json_object(raw: str) -> dict:
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError(raw)
    return value


def _items(separator: str):
    return lambda raw: [item.strip() for item in raw.split(separator) if item.strip()]


# Each type a setting may declare: how its variable is read, and what the variable must hold.
PARSERS = {
    int: (int, "a whole number"),
    float: (float, "a number"),
    bool: (_yes_no, "yes or no (1/true/yes/on or 0/false/no/off)"),
    str: (str, "text"),
    list[str]: (_items(","), "a comma-separated list"),
    PathList: (_items(os.pathsep), f"paths separated by {os.pathsep!r}"),
    dict: (_json_object, "a JSON object"),
    timedelta: (lambda raw: timedelta(seconds=float(raw)), "a number of seconds"),
}


def from_environment(declared: dict, environ) -> dict:
    """The settings of ``declared`` (name → type) that ``environ`` sets, each parsed by its type."""
    found = {}
    for name, kind in declared.items():
        if name not in environ:
            continue
        raw = environ[name]
        optional = isinstance(kind, UnionType) and type(None) in get_args(kind)
        if optional:
            if not raw.strip():
                found[name] = None
                continue
            (kind,) = (arg for arg in get_args(kind) if arg is not type(None))
        parse, what = PARSERS[kind]
        try:
            found[name] = parse(raw)
        except (ValueError, TypeError):
            raise SettingError(f"The environment variable {name} must be {what}; it is {raw!r}.") from None
    return found


globals().update(from_environment(__annotations__, os.environ))

# Derived from the settings above, once the environment has had its say.
if SESSION_COOKIE_SECURE is None:
    SESSION_COOKIE_SECURE = DOSSIER_ENV == "production"
if REMEMBER_COOKIE_SECURE is None:
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
