"""What the account security rules (§6.1.2) keep about each account, beside FAB's user."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import BigInteger, Boolean, Column, DateTime, ForeignKey, Integer, LargeBinary, String


class AccountSecurity(Model):
    __tablename__ = "account_security"

    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True)
    password_changed_at = Column(DateTime)
    # Set when someone else chose the password (a new account, an administrator's reset).
    must_change_password = Column(Boolean, nullable=False, default=False)
    locked_until = Column(DateTime)
    # TOTP secret (RFC 6238), AES-GCM encrypted under a key of the key store.
    totp_secret = Column(LargeBinary)
    totp_enabled_at = Column(DateTime)
    # The last time step a code was accepted for: a code is good once.
    totp_last_step = Column(BigInteger)
    # Wrong codes since the last good one; too many end the sign-in and lock the account.
    totp_failures = Column(Integer, nullable=False, default=0, server_default="0")
    # Copied into each session at sign-in and compared on every request: raising it ends
    # every session of the account (logout, password change, lock, disable, new roles).
    session_generation = Column(Integer, nullable=False, default=0, server_default="0")
    # Wrong passwords since the last good one, counted by one conditional UPDATE per attempt.
    login_failures = Column(Integer, nullable=False, default=0, server_default="0")
    # Who last chose this account's password or reset its second factor, if not its owner:
    # this account may never approve that person's permission requests (security.approvals).
    # Kept when the owner changes the password: whoever chose it may have been the "owner".
    credentials_set_by_id = Column(Integer)


class PasswordHistory(Model):
    """Hashes of an account's earlier passwords, so the last few are not used again."""

    __tablename__ = "password_history"

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    password_hash = Column(String(256), nullable=False)
    replaced_at = Column(DateTime, nullable=False, default=datetime.now)
