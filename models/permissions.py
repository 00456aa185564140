"""Permission changes waiting for a second security officer (§5.1 权限审批)."""

import json
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship


class PermissionRequest(Model):
    """A change of a user's roles or of a role's permissions, made in FAB's screens,
    held back until another security officer approves it."""

    __tablename__ = "permission_request"

    id = Column(Integer, primary_key=True)
    # user_roles: the roles of user ``target_id``; role_permissions: the permissions of role ``target_id``.
    kind = Column(String(20), nullable=False)
    target_id = Column(Integer, nullable=False)
    target_name = Column(String(256), nullable=False)
    # JSON lists of ids: roles, or permission-view pairs.
    before = Column(Text, nullable=False)
    proposed = Column(Text, nullable=False)
    # pending → approved | rejected | withdrawn
    state = Column(String(12), nullable=False, default="pending", index=True)
    requested_by_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False)
    requested_at = Column(DateTime, nullable=False, default=datetime.now)
    decided_by_id = Column(Integer, ForeignKey("ab_user.id"))
    decided_at = Column(DateTime)
    reason = Column(Text)

    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def before_ids(self) -> set[int]:
        return set(json.loads(self.before))

    @property
    def proposed_ids(self) -> set[int]:
        return set(json.loads(self.proposed))
