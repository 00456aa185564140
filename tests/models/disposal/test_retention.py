"""The retention schedule (§9.1): a change proposed by the archive is in force only once a second
person approves it; the most specific rule applies; each rule makes the right items due on the
right date; and the due list is rewritten in a number of statements that does not grow with the
dossiers."""

from datetime import date

import pytest
from sqlalchemy import func, select, update

from models import AuditEvent, Material, Official
from models.disposal import Item
from models.disposal.due_list import compute_due
from models.disposal.retention import (ACTIVE, PROPOSED, REJECTED, SUPERSEDED, RetentionDue, RetentionError,
                                       RetentionRule, approve, due_on, propose, reject)
from models.evaluation import AnnualAssessment
from tests.benchmarks.test_query_counts import Counter

TODAY = date(2026, 6, 1)


def rules(db) -> list[tuple]:
    return db.session.execute(select(RetentionRule.id, RetentionRule.state).order_by(RetentionRule.id)).all()


def events(db, action) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def due(db) -> dict:
    return {(d.table_name, d.record_id): d.due_on for d in db.session.scalars(select(RetentionDue))}


def _behind_the_app(db, official, **values):
    """What an official entered before leaving dates were recorded looks like."""
    table = Official.__table__
    db.session.execute(update(table).where(table.c.id == official.id).values(**values))
    db.session.commit()


def test_a_change_is_in_force_once_a_second_person_approves_it_and_supersedes_the_old_rule(db, users, retention):
    old = retention.in_force("class", "4", 30)
    before = events(db, "retention_rule_proposed"), events(db, "retention_rule_approved")
    rule = propose(db.session, users["archivist"], "class", "4", "10", "formed", "", "按新制度调整")
    db.session.commit()
    assert rule.state == PROPOSED and retention.module.in_force(db.session)[("class", "4")].id == old.id
    approve(db.session, rule, users["unit_head"], "同意")
    db.session.commit()
    assert retention.module.in_force(db.session)[("class", "4")].id == rule.id
    assert db.session.get(RetentionRule, old.id).state == SUPERSEDED
    assert (rule.state, rule.decided_by_id, rule.decision_note) == (ACTIVE, users["unit_head"].id, "同意")
    assert (events(db, "retention_rule_proposed"), events(db, "retention_rule_approved")) == \
        (before[0] + 1, before[1] + 1)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention_rule_approved")
                               .order_by(AuditEvent.seq.desc())).first()
    assert event.object_id == str(rule.id) and f'"superseded":{old.id}' in event.details


def test_the_proposer_never_decides_even_under_another_role(db, users, retention, make_user):
    from flask import current_app

    both = make_user("archivist")
    both.roles.append(current_app.appbuilder.sm.find_role("unit_head"))
    db.session.commit()
    rule = propose(db.session, both, "section", "training", 5, "formed", None, "培训材料保管期限")
    db.session.commit()
    for decide in (lambda: approve(db.session, rule, both, None), lambda: reject(db.session, rule, both, "不同意")):
        with pytest.raises(RetentionError, match="由提议人以外的人"):
            decide()
        db.session.rollback()
    assert rules(db) == [(rule.id, PROPOSED)] and ("section", "training") not in retention.module.in_force(db.session)


def test_a_rejection_needs_its_reason_and_leaves_the_rule_in_force(db, users, retention):
    rule = propose(db.session, users["archivist"], "class", "9", 10, "left", None, "调出人员材料")
    db.session.commit()
    with pytest.raises(RetentionError, match="不同意的理由"):
        reject(db.session, rule, users["unit_head"], "  ")
    db.session.rollback()
    reject(db.session, rule, users["unit_head"], "干部档案应永久保存")
    db.session.commit()
    assert rule.state == REJECTED and retention.module.in_force(db.session) == {}
    with pytest.raises(RetentionError, match="已经作出决定"):
        approve(db.session, rule, users["unit_head"], None)


@pytest.mark.parametrize("scope,key,years,runs_from,fixed_on,reason,message", [
    ("class", "11", 10, "formed", None, "理由", "没有目录类别或档案栏目 11"),
    ("class", "4-9", 10, "formed", None, "理由", "没有目录类别或档案栏目 4-9"),
    ("section", "hobby", 10, "formed", None, "理由", "没有目录类别或档案栏目 hobby"),
    ("shelf", "4", 10, "formed", None, "理由", "请选择目录类别或档案栏目"),
    ("class", "4", -3, "formed", None, "理由", "1 至 100 年"),
    ("class", "4", "0", "formed", None, "理由", "1 至 100 年"),
    ("class", "4", "101", "formed", None, "理由", "1 至 100 年"),
    ("class", "4", "十", "formed", None, "理由", "整数年"),
    ("class", "4", 10, "later", None, "理由", "期限从何时起算"),
    ("class", "4", 10, "fixed", None, "理由", "需要这个日期"),
    ("class", "4", 10, "fixed", "2026-02-30", "理由", "YYYY-MM-DD"),
    ("class", "4", 10, "formed", "2026-01-01", "理由", "只有从固定日期起算"),
    ("class", "4", 10, "formed", None, " ", "请说明修改的理由"),
    ("class", "4", None, "formed", None, "理由", "已在执行的规则"),
])
def test_bad_proposals_are_refused_by_name_and_change_nothing(db, users, retention, scope, key, years, runs_from,
                                                             fixed_on, reason, message):
    before = events(db, "retention_rule_proposed")
    with pytest.raises(RetentionError, match=message):
        propose(db.session, users["archivist"], scope, key, years, runs_from, fixed_on, reason)
    db.session.rollback()
    assert rules(db) == [] and events(db, "retention_rule_proposed") == before


def test_a_second_proposal_waits_for_the_first_to_be_decided(db, users, retention):
    first = propose(db.session, users["archivist"], "class", "5", 10, "formed", None, "理由")
    db.session.commit()
    with pytest.raises(RetentionError, match=f"第 {first.id} 号"):
        propose(db.session, users["archivist"], "class", "5", 20, "formed", None, "理由")


def test_the_sub_class_rule_beats_the_class_rule_which_beats_permanent(db, retention, make_official, make_material,
                                                                        make_record):
    official = make_official()
    formed = date(2000, 5, 1)
    in_4_1, in_4_2, in_1 = (make_material(official, material_class=c, formed_on=formed) for c in ("4-1", "4-2", "1"))
    education = make_record(AnnualAssessment, official=official, year=2000)  # class 3, no rule: permanent
    retention.in_force("class", "4", 20)
    retention.in_force("class", "4-1", 5)
    counts = compute_due(db.session, TODAY)
    assert due(db) == {("material", in_4_1.id): date(2005, 5, 1), ("material", in_4_2.id): date(2020, 5, 1)}
    assert (counts.due, counts.items) == (2, 4) and counts.by_class == {"4-1": 1, "4-2": 1}
    assert due_on(db.session, Item.of(in_1)) is None and due_on(db.session, Item.of(education)) is None


def test_a_section_rule_beats_its_class_rule(db, retention, make_official, make_record):
    official = make_official()
    record = make_record(AnnualAssessment, official=official, year=2010)
    retention.in_force("class", "3", 30)
    compute_due(db.session, TODAY)
    assert due(db) == {}  # 2010-12-31 + 30 years
    retention.in_force("section", "annual_assessment", 10)
    compute_due(db.session, TODAY)
    # A year's assessment is formed when its year ends.
    assert due(db) == {("annual_assessment", record.id): date(2020, 12, 31)}


CASES = [
    # (runs from, years, fixed date, status, left on, formed, today, due on)
    ("formed", 10, None, "1", None, date(2010, 5, 1), date(2020, 5, 1), date(2020, 5, 1)),
    ("formed", 10, None, "1", None, date(2010, 5, 1), date(2020, 4, 30), None),
    ("formed", 10, None, "1", None, date(2012, 2, 29), date(2022, 3, 1), date(2022, 2, 28)),
    ("left", 5, None, "2", date(2015, 3, 1), date(1990, 1, 1), date(2020, 3, 1), date(2020, 3, 1)),
    ("left", 5, None, "2", date(2015, 3, 1), date(1990, 1, 1), date(2020, 2, 29), None),
    ("left", 5, None, "3", date(2010, 7, 1), date(1990, 1, 1), TODAY, date(2015, 7, 1)),
    ("left", 5, None, "4", date(2010, 7, 1), date(1990, 1, 1), TODAY, date(2015, 7, 1)),
    ("left", 5, None, "1", None, date(1990, 1, 1), TODAY, None),  # still in office
    ("fixed", 1, date(2018, 1, 1), "1", None, date(2025, 1, 1), TODAY, date(2019, 1, 1)),
    ("fixed", 10, date(2018, 1, 1), "1", None, date(1990, 1, 1), TODAY, None),
]


@pytest.mark.parametrize("runs_from,years,fixed_on,status,left_on,formed,today,expected", CASES)
def test_each_event_makes_the_right_items_due_on_the_right_date(db, retention, make_official, make_material,
                                                                runs_from, years, fixed_on, status, left_on, formed,
                                                                today, expected):
    official = make_official(status=status, left_on=left_on)
    material = make_material(official, material_class="6", formed_on=formed)
    retention.in_force("class", "6", years, runs_from, fixed_on)
    compute_due(db.session, today)
    assert due_on(db.session, Item.of(material)) == expected


def test_an_official_who_left_without_a_recorded_date_has_nothing_due_from_leaving(db, retention, make_official,
                                                                                   make_material):
    official = make_official()
    material = make_material(official, material_class="6", formed_on=date(1990, 1, 1))
    _behind_the_app(db, official, status="2", left_on=None)  # entered before the date was recorded
    retention.in_force("class", "6", 1, "left")
    counts = compute_due(db.session, TODAY)
    assert due_on(db.session, Item.of(material)) is None and counts.left_without_date == 1


def test_only_approved_content_is_judged_and_a_rerun_forgets_what_is_no_longer_due(db, retention, make_official,
                                                                                  make_material):
    official = make_official()
    approved = make_material(official, material_class="6", formed_on=date(2000, 1, 1))
    draft = make_material(official, material_class="6", formed_on=date(2000, 1, 1), review_state="draft")
    rule = retention.in_force("class", "6", 10)
    compute_due(db.session, TODAY)
    assert due(db) == {("material", approved.id): date(2010, 1, 1)}
    assert db.session.scalar(select(RetentionDue.rule_id)) == rule.id
    retention.in_force("class", "6", 50)
    compute_due(db.session, TODAY)
    assert due(db) == {} and db.session.get(Material, draft.id, execution_options={"include_pending": True})


def test_a_whole_dossier_is_due_when_everything_in_it_is_on_the_latest_date(db, retention, make_official,
                                                                            make_material):
    official, empty = make_official(), make_official()
    make_material(official, material_class="6", formed_on=date(2000, 1, 1))
    later = make_material(official, material_class="6", formed_on=date(2005, 1, 1))
    retention.in_force("class", "6", 10)
    compute_due(db.session, TODAY)
    assert due_on(db.session, Item.dossier(official.id)) == date(2015, 1, 1)
    assert due_on(db.session, Item.dossier(empty.id)) is None
    later.material_class = "1"  # a class kept permanently
    db.session.commit()
    compute_due(db.session, TODAY)
    assert due_on(db.session, Item.dossier(official.id)) is None
    assert due_on(db.session, Item.of(later)) is None


def test_the_due_list_takes_the_same_statements_however_many_dossiers(db, retention, make_official, make_material):
    retention.in_force("class", "6", 10)

    def statements() -> int:
        with Counter(db.engine) as counter:
            compute_due(db.session, TODAY, chunk=1000)
        return counter.count

    for _ in range(2):
        make_material(make_official(), material_class="6", formed_on=date(2000, 1, 1))
    statements()  # compiled once, as on every run after the first
    few = statements()
    for _ in range(5):
        make_material(make_official(), material_class="6", formed_on=date(2000, 1, 1))
    assert statements() == few
    assert len(due(db)) == 7
