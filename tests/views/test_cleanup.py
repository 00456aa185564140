"""The archivist's clean-up page: the dry run with counts and reasons, and the button."""

import os
import re
import time

from sqlalchemy import select

from models import AuditChainHead
from models.storage import attachments


def stale_upload(name="upload-dead"):
    path = attachments.root() / "tmp" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * 10)
    then = time.time() - 2 * 24 * 3600
    os.utime(path, (then, then))
    return path


def test_the_archivist_sees_the_dry_run_and_runs_it(app, db, login_as):
    path = stale_upload()
    archivist = login_as("archivist")
    page = archivist.get("/cleanup/").get_data(as_text=True)
    count = re.search(r'id="count-temp_files">.*?<td class="count">(\d+)</td>', page, re.S).group(1)
    assert count == "1" and "tmp/upload-dead" in page and "未完成" in page and "数据清理" in page
    assert path.exists()

    # An expired page (no CSRF token) changes nothing.
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert archivist.post("/cleanup/run").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert path.exists()

    response = archivist.post("/cleanup/run")
    assert response.status_code == 302
    assert not path.exists()
    page = archivist.get("/cleanup/").get_data(as_text=True)
    assert "tmp/upload-dead" not in page


def test_nobody_else_opens_or_runs_the_clean_up(app, db, login_as):
    path = stale_upload()
    head = db.session.scalar(select(AuditChainHead.seq))
    for role in ("clerk", "hr_reviewer", "inspector", "sysadmin", "auditor"):
        client = login_as(role)
        assert client.get("/cleanup/").status_code in (302, 403, 404)
        assert client.post("/cleanup/run").status_code in (302, 403, 404)
        assert "数据清理" not in client.get("/").get_data(as_text=True)
    assert path.exists()
    db.session.expire_all()
    # Refusals may be audited, removals are not: no clean-up event.
    from models import AuditEvent

    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.seq > head,
                                                           AuditEvent.action == "cleanup_removed")).all()
    path.unlink()
