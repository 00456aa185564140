"""The archivist's backups page (§8): every target's snapshots, restore tests and
failures, and "back up now", which the scheduler runs (never a web worker)."""

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy import select

from models.db import db
from jobs.backup import runs
from models.backup import BackupCopy, BackupRun, RestoreTest

RECENT = 30


def target_summaries(configured: list[str]) -> list[dict]:
    """Per target: its recent copies (good and failed) and its latest restore test."""
    copies = db.session.scalars(
        select(BackupCopy).join(BackupRun).where(BackupCopy.target.in_(configured))
        .order_by(BackupCopy.run_id.desc()).limit(RECENT * max(1, len(configured)))
    ).all()
    tests = db.session.scalars(
        select(RestoreTest).where(RestoreTest.target.in_(configured)).order_by(RestoreTest.id.desc())
        .limit(RECENT)
    ).all()
    summaries = []
    for target in configured:
        mine = [c for c in copies if c.target == target][:RECENT]
        summaries.append({
            "target": target,
            "copies": mine,
            "last_good": next((c for c in mine if c.ok), None),
            "failures": [c for c in mine if not c.ok],
            "restore_test": next((t for t in tests if t.target == target), None),
        })
    return summaries


class BackupView(BaseView):
    class_permission_name = "backups"
    route_base = "/backups"
    default_view = "list"

    @expose("/")
    @has_access
    def list(self):
        runs.mark_interrupted()
        recent = db.session.scalars(select(BackupRun).order_by(BackupRun.id.desc()).limit(RECENT)).all()
        active = [r for r in recent if r.state in ("requested", "running")]
        tests = db.session.scalars(select(RestoreTest).order_by(RestoreTest.id.desc()).limit(RECENT)).all()
        return self.render_template(
            "dossier/backups.html", targets=target_summaries(runs.targets()), runs=recent, active=active,
            tests=tests,
        )

    @expose("/request", methods=["POST"])
    @has_access
    def request(self):
        kind = "full" if request.form.get("kind") == "full" else "incremental"
        if not runs.targets():
            flash(_("No backup targets are configured (DOSSIER_BACKUP_TARGETS)."), "danger")
            return redirect(url_for(".list"))
        waiting = db.session.scalar(select(BackupRun.id).where(BackupRun.state == "requested").limit(1))
        if waiting is not None:
            flash(_("Backup %(id)s is already waiting for the scheduler.", id=waiting), "warning")
            return redirect(url_for(".list"))
        run = runs.request(kind, g.user.id)
        flash(_("Backup %(id)s requested: the scheduler starts it within a minute; this page shows its progress.",
                id=run.id), "success")
        return redirect(url_for(".list"))
