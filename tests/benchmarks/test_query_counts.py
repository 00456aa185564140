"""The number of SQL statements a page issues does not grow with the rows it shows
or the rows stored: no query per row, whatever the size of the archive."""

from sqlalchemy import event, select, update

from jobs.seed import seed
from models import Department, Official
from models.training import Training
from tests.apps import DEMO_PASSWORD, sign_in


class Counter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._one)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._one)

    def _one(self, *args):
        self.count += 1


def pages(db) -> dict[str, tuple[str, str]]:
    """Page name → (role, URL), for the archive as it is now."""
    d01 = db.session.scalar(select(Department.id).where(Department.code == "D01"))
    table = Official.__table__
    # The newest official of D01: the page a clerk there opens.
    newest = db.session.scalar(select(table.c.id).where(table.c.department_id == d01).order_by(table.c.id.desc())
                               .limit(1))
    return {
        "home": ("hr_reviewer", "/"),
        # The workbench of every role with queues of its own (security.workbench): one query per tile kind.
        **{f"home ({role})": (role, "/") for role in ("clerk", "dept_head", "unit_head", "archivist", "secadmin",
                                                       "auditor")},
        "official list": ("hr_reviewer", "/officialview/list/"),
        "official search": ("hr_reviewer", f"/officialview/list/?_flt_0_name=王&_flt_0_department={d01}"),
        "official list (department scope)": ("clerk", "/officialview/list/"),
        "official page": ("hr_reviewer", f"/officialview/show/{newest}"),
        "section list": ("hr_reviewer", "/trainingview/list/"),
        "catalogue": ("hr_reviewer", f"/materialview/catalogue/{newest}"),
        "my drafts": ("clerk", "/mydrafts/"),
        "first review": ("dept_head", "/review/first/"),
        "final review": ("hr_reviewer", "/review/final/"),
        "audit trail": ("auditor", "/auditeventview/list/"),
        "consultation": ("archivist", "/consultation/"),
    }


def count_queries(app, db, client, pages_now) -> dict[str, int]:
    counts = {}
    for name, (role, url) in pages_now.items():
        assert sign_in(client, role, DEMO_PASSWORD).status_code == 302
        client.get(url)  # caches filled, as on any page after the first
        with Counter(db.engine) as counter:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = counter.count
    return counts


def _move_to_d01(db, count: int) -> None:
    """The newest ``count`` officials join D01, the demo clerk's and department head's department."""
    table = Official.__table__
    d01 = db.session.scalar(select(Department.id).where(Department.code == "D01"))
    newest = db.session.scalars(select(table.c.id).order_by(table.c.id.desc()).limit(count)).all()
    db.session.execute(update(table).where(table.c.id.in_(newest)).values(department_id=d01))
    db.session.commit()


def _queue_work(db, count: int) -> None:
    """``count`` records of D01 waiting for each review stage, entered by the clerk."""
    from flask import current_app

    clerk = current_app.appbuilder.sm.find_user(username="clerk")
    d01 = db.session.scalar(select(Department.id).where(Department.code == "D01"))
    table, officials = Training.__table__, Official.__table__
    ids = db.session.scalars(select(table.c.id).join(officials, officials.c.id == table.c.official_id)
                             .where(officials.c.department_id == d01).order_by(table.c.id).limit(3 * count)).all()
    for state, chunk in zip(("draft", "submitted", "first_approved"), (ids[:count], ids[count:2 * count],
                                                                      ids[2 * count:])):
        db.session.execute(update(table).where(table.c.id.in_(chunk)).values(review_state=state,
                                                                              entered_by_id=clerk.id))
    db.session.commit()


def test_no_page_issues_more_queries_for_more_rows(app, db, client, monkeypatch):
    # The writer's audit checkpoint (every 100 events or 60 s, security.checkpointing) falls on
    # whichever request crosses the line, whatever its page: it has tests of its own.
    monkeypatch.setitem(app.config, "AUDIT_CHECKPOINT_EVERY_EVENTS", 0)
    seed(4, DEMO_PASSWORD, rng_seed=1)
    _move_to_d01(db, 2)
    _queue_work(db, 1)
    small = count_queries(app, db, client, pages(db))

    seed(60, DEMO_PASSWORD, rng_seed=2)
    _move_to_d01(db, 20)
    _queue_work(db, 12)
    large = count_queries(app, db, client, pages(db))
    grew = {name: (small[name], large[name]) for name in small if large[name] != small[name]}
    assert not grew, f"queries per page grew with the data (small, large): {grew}"
