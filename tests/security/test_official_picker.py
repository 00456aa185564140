"""The official picker's rule (security.scope.find_reachable, reachable_official), without HTTP:
a department-scoped clerk finds and may name only their departments' officials, HR anyone;
by name, pinyin or exact citizen ID; never more than twenty."""

from security.scope import PICKER_LIMIT, find_reachable, reachable_official, scope_of


def test_the_clerk_finds_by_name_and_pinyin_only_their_departments_officials(db, users, make_official):
    ours, theirs = make_official(name="张小明"), make_official(department_code="D03", name="张大明")
    clerk = scope_of(users["clerk"])
    assert [o.id for o in find_reachable(db.session, clerk, "张")] == [ours.id]
    assert [o.id for o in find_reachable(db.session, clerk, "zhangxm")] == [ours.id]
    assert find_reachable(db.session, clerk, theirs.citizen_id) == []
    hr = scope_of(users["hr_reviewer"])
    assert {o.id for o in find_reachable(db.session, hr, "张")} == {ours.id, theirs.id}
    assert [o.id for o in find_reachable(db.session, hr, theirs.citizen_id)] == [theirs.id]


def test_a_form_may_name_an_official_of_the_scope_and_nobody_else(db, users, make_official):
    ours, theirs = make_official(name="本部门甲"), make_official(department_code="D03", name="外部门乙")
    clerk = scope_of(users["clerk"])
    assert reachable_official(db.session, clerk, str(ours.id)).id == ours.id
    assert reachable_official(db.session, clerk, str(theirs.id)) is None
    assert reachable_official(db.session, clerk, "1 OR 1=1") is None
    assert reachable_official(db.session, scope_of(users["hr_reviewer"]), theirs.id).id == theirs.id
    # Accounts without any scope (the system administrator) reach nobody.
    assert reachable_official(db.session, scope_of(users["sysadmin"]), ours.id) is None


def test_the_picker_offers_at_most_twenty(db, users, make_official):
    for _n in range(PICKER_LIMIT + 2):
        make_official(name="李同名")
    assert len(find_reachable(db.session, scope_of(users["hr_reviewer"]), "李同")) == PICKER_LIMIT
