"""The export writers (jobs.exports): what they refuse, and what each file holds."""

import csv
import hashlib
import io
from datetime import date, datetime

import pytest

from jobs import exports

HEADING = exports.Heading("某市", "名册", "人事干部", datetime(2026, 12, 1, 9, 30))


def test_the_purpose_is_required_and_bounded(app):
    with app.test_request_context():
        for bad in ("", "   ", "x" * 201):
            with pytest.raises(exports.ExportError):
                exports.check_purpose(bad)
        assert exports.check_purpose("  年度  统计 ") == "年度 统计"


def test_csv_has_a_bom_and_the_hash_is_of_the_file(app):
    with app.test_request_context():
        made = exports.write("csv", HEADING, ["姓名", "出生日期"], iter([["王小明", date(1980, 1, 2)], ["单雄信", None]]))
    data = made.file.read()
    assert data.startswith(b"\xef\xbb\xbf") and made.rows == 2
    assert made.sha256 == hashlib.sha256(data).hexdigest()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[2:] == [["姓名", "出生日期"], ["王小明", "1980-01-02"], ["单雄信", ""]]


def test_a_printout_is_bounded(app, monkeypatch):
    monkeypatch.setattr(exports, "PDF_MAX_ROWS", 3)
    with app.test_request_context():
        assert exports.write("pdf", HEADING, ["姓名"], iter([["王"]] * 3)).file.read().startswith(b"%PDF")
        with pytest.raises(exports.ExportError):
            exports.write("pdf", HEADING, ["姓名"], iter([["王"]] * 4))
        with pytest.raises(exports.ExportError):
            exports.write("docx", HEADING, ["姓名"], iter([]))
