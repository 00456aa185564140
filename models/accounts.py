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


class PasswordHistory(Model):
    """Hashes of an account's earlier passwords, so the last few are not used again."""

    __tablename__ = "password_history"

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    password_hash = Column(String(256), nullable=False)
    replaced_at = Column(DateTime, nullable=False, default=datetime.now)
