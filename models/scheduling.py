"""One row per scheduled job: the lock that keeps a job from running twice at once,
the last due time (slot) a scheduler took, and what its last run did."""

import os
import socket

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, String, Text


class JobLock(Model):
    __tablename__ = "job_lock"

    name = Column(String(40), primary_key=True)
    # Who holds the lock and until when; an expired lease is free again, so a
    # scheduler that died mid-run does not block the job for ever.
    holder = Column(String(120))
    locked_until = Column(DateTime)
    last_started_at = Column(DateTime)
    last_finished_at = Column(DateTime)
    last_outcome = Column(Text)
    # The due time (UTC) of the last scheduled run taken: a second scheduler that fires
    # for the same slot, at once or later, finds it taken and skips it.
    last_due = Column(DateTime)


def holder_name() -> str:
    """Who holds a lock or runs a backup: this host and process, so a dead holder can be told."""
    return f"{socket.gethostname()}:{os.getpid()}"
