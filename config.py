"""Default configuration of the dossier system.

Every value here can be overridden by an environment variable of the same name
(see ``_env`` below) or by a Python file named in ``DOSSIER_CONFIG`` (read after
this module, the way Superset reads ``superset_config``). A production deployment
(``DOSSIER_ENV=production``) refuses to start with the default secret key.
"""

import os
from datetime import timedelta
from pathlib import Path

from flask_appbuilder.const import AUTH_DB
from flask_babel import lazy_gettext

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("DOSSIER_INSTANCE_DIR", BASE_DIR / "instance"))

DOSSIER_ENV = os.environ.get("DOSSIER_ENV", "development")

# The session signing key. None: outside production, a random secret created for this
# instance on first run (instance/secret.key, 0600); production refuses to start without one.
SECRET_KEY = os.environ.get("SECRET_KEY")


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

# Alembic owns the schema; FAB must never create tables behind its back, and
# permissions are synchronised by `flask dossier init`, not by every web worker.
FAB_CREATE_DB = False
FAB_UPDATE_PERMS = False
FAB_ADD_SECURITY_API = False
FAB_API_SWAGGER_UI = False

APP_NAME = lazy_gettext("Officials' electronic dossier system")
APP_THEME = ""
FAB_SECURITY_MANAGER_CLASS = "security.manager.DossierSecurityManager"
FAB_INDEX_VIEW = "views.home.HomeView"

AUTH_TYPE = AUTH_DB
AUTH_ROLE_ADMIN = "Admin"
AUTH_ROLE_PUBLIC = "Public"
# In a system of three separate officers (三员分立) nobody holds every permission: FAB's
# Admin is a built-in role granting nothing (so FAB never fills it), and no account can
# be given it (security.approvals).
FAB_ROLES = {AUTH_ROLE_ADMIN: []}
AUTH_USER_REGISTRATION = False

# The UI speaks Simplified Chinese unless the user picks another language.
BABEL_DEFAULT_LOCALE = "zh"
BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "babel" / "translations")
LANGUAGES = {
    "zh": {"flag": "cn", "name": "简体中文"},
    "zh_Hant": {"flag": "hk", "name": "繁體中文"},
    "en": {"flag": "gb", "name": "English"},
}

# Idle sessions end (§6.1.2) after SESSION_IDLE_MINUTES, with an audit event and a message
# (security.session_guard). The cookie itself lives longer, so that the app, not the
# browser, is the one that ends an idle session and can say so.
SESSION_IDLE_MINUTES = 30
PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
SESSION_REFRESH_EACH_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Behind TLS (production), cookies travel only over HTTPS. DOSSIER_BEHIND_PROXY
# trusts the X-Forwarded-For/-Proto of one proxy, and only of a request that comes
# from one of DOSSIER_TRUSTED_PROXIES, so client addresses (audit trail, sign-in
# rate limit, reading terminals) and the scheme are the real ones.
SESSION_COOKIE_SECURE = DOSSIER_ENV == "production"
REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
DOSSIER_BEHIND_PROXY = False
DOSSIER_TRUSTED_PROXIES = ["127.0.0.1/32", "::1/128"]

# Account security (§6.1.2), checked by security.accounts.
PASSWORD_MIN_LENGTH = 12
PASSWORD_MIN_CLASSES = 3
PASSWORD_HISTORY = 5
PASSWORD_MAX_AGE_DAYS = 90
LOCKOUT_FAILURES = 5
LOCKOUT_MINUTES = 15
FAB_PASSWORD_COMPLEXITY_ENABLED = True


def FAB_PASSWORD_COMPLEXITY_VALIDATOR(password):  # noqa: N802  (FAB's setting name)
    from security.accounts import validate_password

    validate_password(password)


# Sign-in attempts per client address. FAB's AUTH_RATE_LIMITED does nothing unless
# RATELIMIT_ENABLED is also on; with RATELIMIT_STORAGE_URI (redis://…) every web
# worker and host counts together, otherwise each process counts alone.
AUTH_RATE_LIMITED = True
RATELIMIT_ENABLED = True
AUTH_RATE_LIMIT = "10 per minute"
RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
RATELIMIT_KEY_PREFIX = "dossier"

WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None

# Keys kept outside the database; None means a file in the instance directory
# (created on first use in development, required in production).
DOSSIER_KEK_FILE = os.environ.get("DOSSIER_KEK_FILE")
DOSSIER_KEK = os.environ.get("DOSSIER_KEK")
DOSSIER_KEYSTORE_URL = os.environ.get("DOSSIER_KEYSTORE_URL")
DOSSIER_AUDIT_KEY_FILE = os.environ.get("DOSSIER_AUDIT_KEY_FILE")
DOSSIER_AUDIT_SIGNING_KEY_FILE = os.environ.get("DOSSIER_AUDIT_SIGNING_KEY_FILE")
DOSSIER_AUDIT_CHECKPOINT_FILE = os.environ.get("DOSSIER_AUDIT_CHECKPOINT_FILE")

# The writer signs the audit chain's head into the checkpoint log (and its copy on every
# backup target) after this many events or seconds, whichever comes first
# (security.checkpointing): the most that could be cut from the end of the trail unseen.
AUDIT_CHECKPOINT_EVERY_EVENTS = 100
AUDIT_CHECKPOINT_EVERY_SECONDS = 60

# Days within which material received must be entered (§3.2 及时录入).
DOSSIER_ENTRY_DEADLINE_DAYS = 15

# Attachments (§3.2 格式規範): where the encrypted files live (None: instance/attachments;
# a mounted volume or shared storage in production), which formats are accepted
# (keys of models.storage.formats.FORMATS, decided by content) and the largest file.
ATTACHMENT_STORE = os.environ.get("ATTACHMENT_STORE")
ATTACHMENT_TYPES = ["pdf", "ofd", "jpeg", "png", "tiff"]
ATTACHMENT_MAX_BYTES = 256 * 1024 * 1024
# Virus scanning (§6.2.2): every upload is scanned by ClamAV's daemon before it is
# stored. CLAMD_SOCKET is its unix socket (Debian's default) or tcp://host:port;
# clamd's StreamMaxLength, MaxFileSize and MaxScanSize must not be below
# ATTACHMENT_MAX_BYTES. Scanner unreachable means uploads are refused; turning
# CLAMD_REQUIRED off is refused in production. `dossier antivirus update` installs
# signature files into CLAMD_DATABASE_DIR (clamd's DatabaseDirectory).
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "/var/run/clamav/clamd.ctl")
CLAMD_TIMEOUT = 300
CLAMD_REQUIRED = True
CLAMD_DATABASE_DIR = os.environ.get("CLAMD_DATABASE_DIR", "/var/lib/clamav")
# A request body larger than this is cut off before it is read (None: the
# attachment limit plus room for the form's other fields).
MAX_CONTENT_LENGTH = None

# Consultation (§5.3): grants are read only from these addresses (the archive's
# reading terminals; CIDR ranges), and last at most this many days.
CONSULTATION_TERMINALS = ["127.0.0.1/32", "::1/128"]
CONSULTATION_MAX_DAYS = 30

# Backups (§8): restic repositories standing for separate media and an off-site
# copy (any path: a mounted disk, a network share; each must exist, the product
# creates the repository inside it). The repository password is read from a file
# beside the KEK (None: backup-repository.key there, created on first use outside
# production). Runs, restore tests and their scratch space are set here too.
DOSSIER_BACKUP_TARGETS = []
DOSSIER_BACKUP_PASSWORD_FILE = os.environ.get("DOSSIER_BACKUP_PASSWORD_FILE")
BACKUP_STAGING_DIR = None  # None: instance/backup-staging
BACKUP_KEYRING_GENERATIONS = 3
BACKUP_KEEP_CHAINS = 4
RESTIC_BINARY = "restic"
# Share of the repository's data a restore test reads back (restic check --read-data-subset).
RESTORE_TEST_READ_DATA = "5%"
RESTORE_TEST_DIR = None  # None: instance/restore-test
# PostgreSQL: the scratch database a restore test rebuilds (None: "<database>_restore_test").
RESTORE_TEST_DATABASE_URL = None
RESTORE_TEST_SAMPLE = 20

# Triggers of the scheduled jobs (jobs.scheduler.JOBS), by job name, e.g.
# {"fixity": {"trigger": "cron", "day_of_week": "sun", "hour": 3}}.
DOSSIER_JOB_TRIGGERS = {}


def _env(name, cast=str):
    value = os.environ.get(name)
    return None if value is None else cast(value)


for _name, _cast in (
    ("DOSSIER_ENTRY_DEADLINE_DAYS", int),
    ("ATTACHMENT_MAX_BYTES", int),
    ("PASSWORD_MAX_AGE_DAYS", int),
    ("CONSULTATION_TERMINALS", lambda value: [t.strip() for t in value.split(",") if t.strip()]),
    ("DOSSIER_BEHIND_PROXY", lambda value: value.lower() in ("1", "true", "yes")),
    ("DOSSIER_TRUSTED_PROXIES", lambda value: [t.strip() for t in value.split(",") if t.strip()]),
    ("SESSION_IDLE_MINUTES", int),
    ("AUDIT_CHECKPOINT_EVERY_EVENTS", int),
    ("AUDIT_CHECKPOINT_EVERY_SECONDS", int),
    ("ATTACHMENT_TYPES", lambda value: [t.strip() for t in value.split(",") if t.strip()]),
    ("DOSSIER_BACKUP_TARGETS", lambda value: [t.strip() for t in value.split(os.pathsep) if t.strip()]),
    ("RESTORE_TEST_DATABASE_URL", str),
    ("CLAMD_TIMEOUT", float),
    ("CLAMD_REQUIRED", lambda value: value.lower() in ("1", "true", "yes")),
    ("APP_NAME", str),
    ("BABEL_DEFAULT_LOCALE", str),
):
    _value = _env(_name, _cast)
    if _value is not None:
        globals()[_name] = _value
