"""Roster exports and the search box (issue 17): beside the library writing the same rows
from memory, and beside the raw SQL of the same search."""

import csv
import io
import os
import threading
import time
from datetime import datetime

from sqlalchemy import select, text

from .measure import Figure, latencies, latency_figure, percentile

COLUMNS = ["name", "gender", "birth_date", "age", "ethnicity", "native_place", "political_status", "party_member",
           "education", "degree", "work_start_date", "party_join_date", "department", "post", "status",
           "post_since", "years_in_post", "highest_education", "latest_grade", "reward_count"]


class PeakMemory:
    """The process's resident memory, sampled every 10 ms: its peak above the start, in MiB."""

    def __enter__(self):
        self.start = self.peak = self._rss()
        self.running = True
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def _rss(self):
        with open(f"/proc/{os.getpid()}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _watch(self):
        while self.running:
            self.peak = max(self.peak, self._rss())
            time.sleep(0.01)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()
        self.peak = max(self.peak, self._rss())

    @property
    def mib(self):
        return (self.peak - self.start) / (1024 * 1024)


def roster_exports(app) -> list[Figure]:
    from models.db import db
    from jobs import exports
    from models import rosters

    figures = []
    with app.test_request_context():
        user = app.appbuilder.sm.find_user(username="hr_reviewer")
        offered = rosters.offer(user)
        spec = rosters.Spec(columns=COLUMNS)
        headers = rosters.headers(spec, offered)
        heading = exports.Heading("bench", "roster", "hr_reviewer", datetime.now())
        # Outside a request's signed-in user the scope is the whole archive, as for HR.
        db.session.remove()
        for kind in ("xlsx", "csv"):
            started = time.perf_counter()
            with PeakMemory() as memory:
                export = exports.write(kind, heading, headers, rosters.rows(db.session, spec, offered, datetime.now().date()))
            seconds = time.perf_counter() - started
            export.file.close()
            in_memory = list(rosters.rows(db.session, spec, offered, datetime.now().date()))
            db.session.rollback()
            raw_seconds, raw_memory = _library_from_memory(kind, headers, in_memory)
            count = len(in_memory)
            del in_memory
            figures.append(Figure(f"roster {count:,} × {len(COLUMNS)} to {kind}: rows/s (peak MiB product "
                                  f"{memory.mib:,.0f}, library from memory {raw_memory:,.0f})", "rows/s",
                                  count / seconds, count / raw_seconds,
                                  note="product streams from the database; raw writes rows already in memory"))
            if kind == "xlsx":
                sample = list(rosters.rows(db.session, spec, offered, datetime.now().date(), limit=20000))
                db.session.rollback()
                openpyxl_seconds, openpyxl_memory = _openpyxl(headers, sample)
                figures.append(Figure(f"openpyxl write-only, {len(sample):,} rows (peak MiB {openpyxl_memory:,.0f})",
                                      "rows/s", len(sample) / openpyxl_seconds, None,
                                      note="the alternative measured for the xlsx writer"))
    return figures


def _library_from_memory(kind, headers, rows):
    with PeakMemory() as memory:
        started = time.perf_counter()
        if kind == "xlsx":
            import xlsxwriter

            out = io.BytesIO()
            book = xlsxwriter.Workbook(out, {"in_memory": True})
            sheet = book.add_worksheet()
            sheet.write_row(0, 0, headers)
            for index, row in enumerate(rows, start=1):
                sheet.write_row(index, 0, row)
            book.close()
        else:
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(headers)
            writer.writerows(rows)
        seconds = time.perf_counter() - started
    return seconds, memory.mib


def _openpyxl(headers, rows):
    from openpyxl import Workbook

    with PeakMemory() as memory:
        started = time.perf_counter()
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
        book.save(io.BytesIO())
        seconds = time.perf_counter() - started
    return seconds, memory.mib


def search(app, engine, client, repeat: int) -> list[Figure]:
    from models.db import db
    from models import Official

    with app.app_context():
        sample = list(db.session.scalars(select(Official).order_by(Official.id).limit(50)))
        initials = [o.name_initials for o in sample]
        ids = [(o.citizen_id, o.citizen_id_index) for o in sample]
        db.session.rollback()

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    product_initials = latencies(lambda i: get(f"/search/?q={initials[i % len(initials)]}"), repeat)
    product_id = latencies(lambda i: get(f"/search/?q={ids[i % len(ids)][0]}"), repeat)
    with engine.connect() as conn:
        raw_initials = latencies(lambda i: conn.execute(text(
            "SELECT o.id, o.name, d.name, o.post FROM official o JOIN department d ON d.id = o.department_id "
            "WHERE o.review_state = 'approved' AND (o.name_initials LIKE :p OR o.name_pinyin LIKE :p "
            "OR o.name_pinyin_short LIKE :p) "
            "ORDER BY o.name, o.id LIMIT 25"), {"p": initials[i % len(initials)] + "%"}).all(), repeat)
        raw_id = latencies(lambda i: conn.execute(text(
            "SELECT o.id, o.name FROM official o WHERE o.review_state = 'approved' AND o.citizen_id_index = :h"),
            {"h": ids[i % len(ids)][1]}).all(), repeat)
    return [latency_figure("search box: pinyin initials", product_initials, raw_initials, limit_ms=50),
            latency_figure("search box: exact citizen ID", product_id, raw_id, limit_ms=50)]


__all__ = ["roster_exports", "search", "percentile"]
