"""What a list export holds (jobs.list_export): cells as the list shows them, sensitive
fields masked, and the filters as the audit trail keeps them."""

from datetime import date, datetime

from jobs import list_export
from models import Department, Official
from models.integrity_file import IntegrityRisk


def test_cells_keep_dates_and_numbers_and_read_the_rest_as_the_list_does():
    plain = list_export.ListColumn("x", "X")
    named = list_export.ListColumn("gender", "性别", formatter=lambda code: {"1": "男"}.get(code, ""))
    assert list_export.cell(plain, date(1980, 1, 2)) == date(1980, 1, 2)
    assert list_export.cell(plain, 40) == 40
    assert list_export.cell(plain, datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02 03:04:05"
    assert list_export.cell(plain, None) is None and list_export.cell(plain, "") is None
    assert list_export.cell(plain, True) == "True"  # as FAB's list prints it
    assert list_export.cell(named, "1") == "男" and list_export.cell(named, "9") is None


def test_identity_fields_are_masked_unless_clear_and_free_text_never_exports():
    masked = {c.key: c for c in list_export.columns(Official, ["name", "citizen_id", "mobile"], {}, {}, clear=False)}
    assert masked["name"].mask is None
    assert list_export.cell(masked["citizen_id"], "11010519491231002X") == "110105********002X"
    assert list_export.cell(masked["mobile"], "13912345678") == "139****5678"
    clear = {c.key: c for c in list_export.columns(Official, ["citizen_id", "mobile"], {}, {}, clear=True)}
    assert list_export.cell(clear["citizen_id"], "11010519491231002X") == "11010519491231002X"
    # The identity tier is about identity fields: an integrity-file text stays out of every export.
    for tier in (False, True):
        (risk,) = list_export.columns(IntegrityRisk, ["risk_point"], {}, {}, clear=tier)
        assert list_export.cell(risk, "审批权集中") == list_export.HIDDEN


def test_typed_text_about_an_official_stays_out_of_the_trail():
    given = [("name", "sw", "王小明"), ("gender", "eq", "1"), ("department", "rel_o_m", "3")]
    assert list_export.described(Official, given) == [["name", "sw", "…"], ["gender", "eq", "1"],
                                                      ["department", "rel_o_m", "3"]]
    # Reference data is no one's personal data: kept as given.
    assert list_export.described(Department, [("name", "sw", "组织")]) == [["name", "sw", "组织"]]
