"""Who decides a consultation's first approval (§5.3), as rules without HTTP: the applicant's
department heads, or the unit head when the applicant has no department or it has no head;
the application records them and only they see it waiting; nobody at all, no application."""

from datetime import date, timedelta

import pytest

from security import consultation as rules


@pytest.fixture
def subject(make_official):
    return make_official(department_code="D03", name="被查阅人")


def application_of(db, applicant, subject):
    made = rules.submit(db.session, applicant, official_id=subject.id, sections="basic", purpose="干部考察",
                        valid_from=date.today(), valid_until=date.today() + timedelta(days=3))
    db.session.commit()
    return made


def routed_to(db, applicant):
    route, people = rules.route(db.session, applicant)
    return (route.key if route else None), [u.username for u in people]


def test_an_applicant_with_a_department_head_goes_to_that_head(db, users):
    # The clerk and the department head are both of 办公室 (D01).
    assert routed_to(db, users["clerk"]) == ("department", ["dept_head"])


def test_an_applicant_whose_department_has_no_head_goes_to_the_unit_head(db, users, make_user):
    headless = make_user("clerk", "D03")
    assert routed_to(db, headless) == ("unit", ["unit_head"])


def test_an_applicant_with_no_department_goes_to_the_unit_head(db, users):
    assert routed_to(db, users["inspector"]) == ("unit", ["unit_head"])


def test_every_head_of_the_department_is_named(db, users, make_user):
    second = make_user("dept_head", "D01")
    assert routed_to(db, users["clerk"]) == ("department", ["dept_head", second.username])


def test_nobody_approves_their_own_application_so_a_unit_head_alone_has_nobody(db, users, subject):
    assert routed_to(db, users["unit_head"]) == (None, [])
    with pytest.raises(rules.ConsultationError) as refused:
        application_of(db, users["unit_head"], subject)
    assert refused.value.code == "no_approver"
    db.session.rollback()
    from models import Consultation

    assert db.session.query(Consultation).count() == 0


def test_the_application_records_its_approvers_and_only_they_see_it_waiting(db, users, subject):
    inspectors = application_of(db, users["inspector"], subject)
    clerks = application_of(db, users["clerk"], subject)
    assert (inspectors.first_route, inspectors.approver_ids) == ("unit", [users["unit_head"].id])
    assert (clerks.first_route, clerks.approver_ids) == ("department", [users["dept_head"].id])
    assert [a.id for a in rules.queue(db.session, users["unit_head"])] == [inspectors.id]
    assert [a.id for a in rules.queue(db.session, users["dept_head"])] == [clerks.id]
    assert rules.queue(db.session, users["archivist"]) == []


def test_only_a_routed_approver_decides_the_first_approval(db, users, subject):
    application = application_of(db, users["inspector"], subject)
    with pytest.raises(rules.ConsultationError) as refused:
        rules.decide(db.session, users["dept_head"], application, approve=True)
    assert refused.value.code == "not_routed"
    rules.decide(db.session, users["unit_head"], application, approve=True)
    assert (application.state, application.department_approver_id) == ("department_approved", users["unit_head"].id)
    db.session.commit()


def test_the_assisting_archivist_must_be_an_archivist(db, users, subject):
    application = application_of(db, users["clerk"], subject)
    rules.decide(db.session, users["dept_head"], application, approve=True)
    with pytest.raises(rules.ConsultationError) as refused:
        rules.decide(db.session, users["archivist"], application, approve=True, assistant_id=users["clerk"].id)
    assert refused.value.code == "not_archivist"
    rules.decide(db.session, users["archivist"], application, approve=True)
    assert (application.state, application.assisted_by_id) == ("approved", users["archivist"].id)
    db.session.commit()


def test_people_are_shown_by_name_never_by_login(users):
    assert rules.display_name(users["dept_head"]) == "演示部门负责人"
    assert all(key not in rules.display_name(user) for key, user in users.items())
