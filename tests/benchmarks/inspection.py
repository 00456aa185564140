"""The completeness check and the four-property check over the whole holdings, beside
the raw cost of reading the same rows and hashing the same files in the same run."""

import hashlib
import time

from sqlalchemy import select, text

from .measure import Figure

MIB = 1024 * 1024


def _seconds(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _read_rows(engine, statements) -> int:
    rows = 0
    with engine.connect() as conn:
        for statement in statements:
            rows += len(conn.execute(text(statement)).all())
    return rows


def completeness_figure(app, engine) -> Figure:
    from models import SECTIONS

    with app.app_context():
        from models.db import db
        from models import completeness

        def product():
            summary, _flagged = completeness.summarise(completeness.check(db.session))
            product.officials = summary.officials

        seconds = _seconds(product)
        db.session.rollback()
    # The same rows, straight off the tables: officials, posts, studies, counts per section, classes.
    approved = "review_state = 'approved'"
    statements = [
        f"SELECT id, gender, birth_date, political_status, work_start_date, party_join_date, citizen_id "
        f"FROM official WHERE {approved}",
        f"SELECT official_id, start_date, end_date FROM work_experience WHERE {approved}",
        f"SELECT official_id, start_date, graduation_date FROM education WHERE {approved}",
        *(f"SELECT official_id, count(*) FROM {m.__tablename__} WHERE {approved} GROUP BY official_id"
          for m in SECTIONS),
        f"SELECT DISTINCT official_id, material_class FROM material WHERE {approved}",
    ]
    raw = _seconds(lambda: _read_rows(engine, statements))
    return Figure(f"completeness check ({product.officials:,} dossiers)", "s", seconds, raw)


def four_property_figure(app, engine) -> Figure:
    from sqlalchemy_continuum import version_class

    from models import DOSSIER_MODELS

    with app.app_context():
        from models.db import db
        from jobs import four_property
        from models import Material
        from models.storage import attachments

        paths = [attachments.path_of(sha) for sha in db.session.scalars(
            select(Material.__table__.c.stored_sha256))]
        check_run = four_property.run("command")
        seconds, ok = check_run.seconds, check_run.ok
        failed = [i.item for i in check_run.items if i.outcome == "fail"]
        db.session.rollback()

    def raw():
        _read_rows(engine, [f"SELECT * FROM {m.__tablename__}" for m in DOSSIER_MODELS]
                   + [f"SELECT * FROM {version_class(m).__table__.name}" for m in DOSSIER_MODELS])
        for path in paths:
            digest = hashlib.sha256()
            with open(path, "rb") as fh:
                while chunk := fh.read(MIB):
                    digest.update(chunk)

    figure = Figure(f"four-property check ({len(paths)} files)", "s", seconds, _seconds(raw))
    figure.note = "all green" if ok else "failed: " + ", ".join(failed)
    return figure


def figures(app, engine) -> list[Figure]:
    return [completeness_figure(app, engine), four_property_figure(app, engine)]
