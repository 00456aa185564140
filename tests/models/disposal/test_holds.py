"""Holds (冻结): what each hold stops, placing and lifting, checked without HTTP."""

import pytest
from sqlalchemy import func, select

from models.career import Education, WorkExperience
from models.disposal import Hold, Item, holds
from models.disposal.holds import HoldError, blocking, describe, place


@pytest.fixture
def world(db, make_official, make_record, make_material):
    """Four dossiers: A with a work-experience record, the material filed for it (class 1)
    and a diploma (4-1); B with a diploma only; C with an education record and no
    material; D empty."""
    rec_w = make_record(WorkExperience)
    a = rec_w.official
    m1 = make_material(a, material_class="1", record_table="work_experience", record_id=rec_w.id)
    m2 = make_material(a, material_class="4-1")
    rec_e = make_record(Education)
    b = make_official()
    mb = make_material(b, material_class="4-1")
    d = make_official()
    officials = {"A": a, "B": b, "C": rec_e.official, "D": d}
    items = {name: Item.dossier(o.id) for name, o in officials.items()}
    items |= {name: Item.of(row) for name, row in {"m1": m1, "m2": m2, "mb": mb, "rec_w": rec_w,
                                                    "rec_e": rec_e}.items()}
    return officials, items, {"m1": m1, "m2": m2, "mb": mb}


# hold → what it stops (every other item of the world stays free).
CASES = {
    "dossier A": (dict(kind="dossier", official="A"), {"A", "m1", "m2", "rec_w"}),
    "dossier D": (dict(kind="dossier", official="D"), {"D"}),
    "class 4-1 of A": (dict(kind="class", official="A", material_class="4-1"), {"A", "m2"}),
    # A heading holds its sub-classes.
    "class 4 of A": (dict(kind="class", official="A", material_class="4"), {"A", "m2"}),
    "class 4-1 everywhere": (dict(kind="class", material_class="4-1"), {"A", "m2", "B", "mb", "C", "rec_e"}),
    "class 4 everywhere": (dict(kind="class", material_class="4"), {"A", "m2", "B", "mb", "C", "rec_e"}),
    "class 1 everywhere": (dict(kind="class", material_class="1"), {"A", "m1", "rec_w"}),
    "class 4-2 everywhere": (dict(kind="class", material_class="4-2"), set()),
    # The document filed for a record is held: so is the record (its destruction takes it).
    "material m1": (dict(kind="material", material="m1"), {"A", "m1", "rec_w"}),
    "material m2": (dict(kind="material", material="m2"), {"A", "m2"}),
    "material mb": (dict(kind="material", material="mb"), {"B", "mb"}),
}


def placed(db, users, world, kind, official=None, material_class=None, material=None):
    officials, _items, materials = world
    hold = place(db.session, users["archivist"], kind, officials[official].id if official else None, material_class,
                 materials[material].id if material else None, reason="纪检调查", ordered_by="市纪委 2026-17号")
    db.session.commit()
    return hold


def stopped(db, world) -> set:
    _officials, items, _materials = world
    return {name for name, item in items.items() if blocking(db.session, item)}


@pytest.mark.parametrize("case", CASES)
def test_each_hold_stops_exactly_what_it_holds_until_lifted(db, users, world, case):
    spec, expected = CASES[case]
    assert stopped(db, world) == set()
    hold = placed(db, users, world, **spec)
    assert stopped(db, world) == expected
    for name in expected:
        assert blocking(db.session, world[1][name]) == [hold]
    holds.lift(db.session, hold, users["archivist"], "调查结束")
    db.session.commit()
    assert stopped(db, world) == set()


def test_several_holds_are_all_named_oldest_first(db, users, world):
    first = placed(db, users, world, "dossier", official="A")
    second = placed(db, users, world, "material", material="m1")
    assert blocking(db.session, world[1]["m1"]) == [first, second]
    assert "市纪委 2026-17号" in describe(first) and "纪检调查" in describe(first) and str(first.id) in describe(first)


def test_an_item_naming_the_wrong_official_is_still_stopped_by_its_own_dossier(db, users, world):
    officials, items, _materials = world
    placed(db, users, world, "dossier", official="A")
    forged = Item("material", officials["B"].id, "material", items["m1"].record_id)
    assert blocking(db.session, forged)


def test_a_material_hold_is_on_the_materials_own_dossier_and_a_forged_official_is_refused(db, users, world):
    officials, _items, materials = world
    with pytest.raises(HoldError) as refused:
        place(db.session, users["archivist"], "material", str(officials["A"].id), None, str(materials["mb"].id),
              reason="诉讼", ordered_by="区法院")
    db.session.rollback()
    assert refused.value.code == "material_elsewhere" and "材料" in str(refused.value)
    assert holds_count(db) == 0
    hold = place(db.session, users["archivist"], "material", "", None, str(materials["mb"].id),
                 reason="诉讼", ordered_by="区法院")
    assert hold.official_id == officials["B"].id


def holds_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Hold))


@pytest.mark.parametrize("form,code,named", [
    (dict(kind=""), "kind_required", "种类"),
    (dict(kind="person"), "kind_required", "种类"),
    (dict(kind="dossier"), "official_required", "官员"),
    (dict(kind="dossier", official_id="abc"), "no_official", "官员"),
    (dict(kind="dossier", official_id="999999"), "no_official", "官员"),
    (dict(kind="class"), "class_required", "类别"),
    (dict(kind="class", material_class="11"), "no_class", "类别"),
    (dict(kind="class", material_class="4-"), "no_class", "类别"),
    (dict(kind="material"), "material_required", "材料"),
    (dict(kind="material", material_id="999999"), "no_material", "材料"),
    (dict(kind="class", material_class="1", reason=" "), "reason_required", "原因"),
    (dict(kind="class", material_class="1", ordered_by=""), "ordered_by_required", "决定机关"),
])
def test_bad_holds_are_refused_by_name_and_nothing_is_placed(db, users, form, code, named):
    values = dict(reason="审计", ordered_by="审计局") | form
    with pytest.raises(HoldError) as refused:
        place(db.session, users["archivist"], values.pop("kind"), values.pop("official_id", None),
              values.pop("material_class", None), values.pop("material_id", None), **values)
    db.session.rollback()
    assert refused.value.code == code
    assert named in str(refused.value)
    assert holds_count(db) == 0


def test_lifting_needs_a_reason_and_happens_once(db, users, world):
    hold = placed(db, users, world, "dossier", official="D")
    with pytest.raises(HoldError) as refused:
        holds.lift(db.session, hold, users["archivist"], "  ")
    assert refused.value.code == "lift_reason_required"
    db.session.rollback()
    holds.lift(db.session, hold, users["archivist"], "案件审结")
    db.session.commit()
    with pytest.raises(HoldError) as again:
        holds.lift(db.session, hold, users["archivist"], "再次")
    assert again.value.code == "already_lifted"
    db.session.rollback()
    kept = db.session.get(Hold, hold.id)
    assert (kept.lift_reason, kept.lifted_by_id) == ("案件审结", users["archivist"].id)
    assert not kept.active and holds_count(db) == 1
