"""The departments screen: a department's parent department, never itself or one below it."""

from sqlalchemy import select

from tests.helpers import messages


def edit(client, department, parent):
    return client.post(f"/departmentview/edit/{department.id}", follow_redirects=True, data={
        "code": department.code, "name": department.name, "parent": str(parent.id) if parent else "",
        **({"is_hr": "y"} if department.is_hr else {})})


def parent_of(db, department):
    from models import Department

    db.session.expire_all()
    return db.session.scalar(select(Department.parent_id).where(Department.id == department.id))


def test_a_parent_is_set_on_the_screen_and_a_loop_is_refused_naming_it(db, login_as, departments):
    d03, d04, d05 = (next(d for d in departments if d.code == code) for code in ("D03", "D04", "D05"))
    client = login_as("hr_reviewer")
    try:
        assert edit(client, d04, d03).status_code == 200 and parent_of(db, d04) == d03.id
        assert edit(client, d05, d04).status_code == 200 and parent_of(db, d05) == d04.id

        itself = edit(client, d03, d03)
        assert "不能是自己的上级部门" in " ".join(messages(itself.get_data(as_text=True)))
        below = edit(client, d03, d05)   # D05 is under D04, which is under D03
        said = " ".join(messages(below.get_data(as_text=True)))
        assert d05.name in said and d03.name in said and "上级部门" in said
        assert parent_of(db, d03) is None
        listed = client.get("/departmentview/list/").get_data(as_text=True)
        assert "上级部门" in listed
    finally:
        for department in (d05, d04):
            db.session.rollback()
            department.parent = None
            db.session.commit()

