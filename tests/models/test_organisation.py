"""Departments form a tree: its subtree, its roots, and no loop on any write path."""

import pytest
from sqlalchemy import select

from models import Department, organisation, validation


def by_code(departments, *codes):
    return [next(d for d in departments if d.code == code) for code in codes]


def parent_of(db, department):
    db.session.expire_all()
    return db.session.scalar(select(Department.parent_id).where(Department.id == department.id))


def test_subtree_and_roots_follow_the_tree(db, departments):
    d03, d04, d05 = by_code(departments, "D03", "D04", "D05")
    try:
        d04.parent, d05.parent = d03, d04
        db.session.commit()
        assert set(db.session.scalars(organisation.subtree([d03.id]))) == {d03.id, d04.id, d05.id}
        assert set(db.session.scalars(organisation.subtree([d04.id]))) == {d04.id, d05.id}
        roots = organisation.roots_of(db.session)
        assert roots[d05.id] == roots[d04.id] == roots[d03.id] == d03.id
    finally:
        db.session.rollback()
        d05.parent = d04.parent = None
        db.session.commit()


def test_every_write_path_refuses_a_loop(db, departments):
    d03, d04 = by_code(departments, "D03", "D04")
    try:
        d04.parent = d03
        db.session.commit()
        d03.parent = d04
        with pytest.raises(validation.DossierValidationError):
            db.session.commit()
        db.session.rollback()
        assert parent_of(db, d03) is None
    finally:
        db.session.rollback()
        d04.parent = None
        db.session.commit()
