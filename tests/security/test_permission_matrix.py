"""The permission matrix's rules, without HTTP: a role's grants laid out by tier and verb, a
posted change read and turned into exactly the grants it names (security.permission_matrix)."""

import pytest
from werkzeug.datastructures import MultiDict

from models import DOSSIER_MODELS
from models.reading import SCOPE_VIEW
from security import permission_labels, permission_matrix as pm
from security.roles import DOSSIER_ACCESS, OTHER_ACCESS, ROLE_LABELS, ROLE_SCOPE, SCOPE_PERMISSIONS, TIERS, \
    permissions_of, section_tier
from tests.apps import ROLE_KEYS


@pytest.fixture(scope="module")
def available():
    """Every grant the role data names, each with an id, as an installation holds them."""
    pairs = set().union(*(permissions_of(role) for role in ROLE_LABELS))
    pairs |= {(p, SCOPE_VIEW) for p in SCOPE_PERMISSIONS}
    return {pair: i for i, pair in enumerate(sorted(pairs), start=1)}


def level_in_data(role, model) -> str:
    tier = section_tier(role, model)
    return next((name for name, perms in TIERS.items() if set(perms) <= set(tier) and
                 len(perms) == len(set(tier) - set(pm.READ_EXTRAS.get(model.section_key, ())))), "none")


def rows(matrix):
    return {row.key: row for group in matrix.areas for row in group.rows}


def posted(matrix, **changes) -> MultiDict:
    """The matrix's form as the page posts it, with ``changes`` (section key → level, or scope)."""
    form = MultiDict({f"tier:{key}": row.level for key, row in rows(matrix).items()})
    form["scope"] = matrix.scope
    for group in matrix.functions:
        for row in group.rows:
            for cell in row.cells:
                if cell.held:
                    form.add("grant", cell.value)
    for key, value in changes.items():
        form["scope" if key == "scope" else f"tier:{key}"] = value
    return form


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_each_seed_roles_matrix_shows_its_tiers_and_scope_as_the_role_data_defines(db, available, role):
    matrix = pm.build(permissions_of(role), available)
    by_key = rows(matrix)
    assert {m.section_key: by_key[m.section_key].level for m in DOSSIER_MODELS} == {
        m.section_key: level_in_data(role, m) for m in DOSSIER_MODELS}
    assert matrix.scope == ROLE_SCOPE[role]
    assert matrix.marked == []


def test_the_clerk_modifies_the_career_and_only_enters_into_the_integrity_file(db, available):
    by_key = rows(pm.build(permissions_of("clerk"), available))
    career = [m for m in DOSSIER_MODELS if m.section_area == "career"]
    integrity = [m for m in DOSSIER_MODELS if m.section_area == "integrity"]
    assert career and all(by_key[m.section_key].level == "modify" for m in career)
    assert integrity and all(by_key[m.section_key].level == "add" for m in integrity)
    assert DOSSIER_ACCESS["clerk"]["integrity"] == pm.LEVELS["add"]
    row = by_key[integrity[0].section_key]
    assert [c.column for c in row.cells if c.held] == ["add"] and "add" in row.offered
    ticked = [c.column for c in by_key[career[0].section_key].cells if c.held]
    assert ticked == ["read", "modify"]  # 查阅 and 修改, not 删除 nor 仅录入


def test_a_function_row_shows_the_screens_own_verbs_in_words(db, available):
    matrix = pm.build(permissions_of("dept_head"), available)
    functions = {row.key: row for group in matrix.functions for row in group.rows}
    first = functions["first_review"]
    assert {c.column: c.held for c in first.cells} == {"can_list": True, "can_decide": True}
    assert str(next(c.label for c in first.cells if c.column == "can_decide")) == "审核"
    group = next(g for g in matrix.functions if any(r.key == "first_review" for r in g.rows))
    assert group.key == "review"


def test_every_grant_of_the_role_data_has_a_label_and_a_function(db, available):
    views = {view for role in OTHER_ACCESS.values() for view in role} - {m.section_key for m in DOSSIER_MODELS}
    assert sorted(v for v in views if v not in permission_labels.SCREENS) == []
    verbs = {perm for perm, view in pm.function_pairs(available)}
    assert sorted(v for v in verbs if v not in permission_labels.VERBS) == []


def test_a_screen_no_table_knows_shows_under_other_with_a_readable_label(db):
    function, label = permission_labels.screen("SomethingNewView")
    assert function == permission_labels.OTHER and str(label) == "Something New"
    assert permission_labels.verb("SomethingNewView", "can_frobnicate_all") == "frobnicate all"


def test_one_tier_changed_changes_exactly_that_sections_grants_and_its_menu(db, available):
    held = permissions_of("clerk")
    matrix = pm.build(held, available)
    proposed = pm.apply(held, pm.parse(posted(matrix, training="read"), available), available)
    assert held - proposed == {("can_add", "training"), ("can_edit", "training")}
    assert proposed - held == set()

    marked = pm.build(proposed, available, before=held)
    assert marked.marked == [("training", "modify", "removed")]
    assert marked.menus == [] and marked.others == []


def test_a_section_taken_away_hides_its_menu_entry_but_not_its_area(db, available):
    held = permissions_of("clerk")
    proposed = pm.apply(held, pm.parse(posted(pm.build(held, available), work_experience="none"), available),
                        available)
    assert ("menu_access", "work_experience") in held and ("menu_access", "work_experience") not in proposed
    assert ("menu_access", "career") in proposed  # education is still in the career area's menu
    marked = pm.build(proposed, available, before=held)
    assert sorted(marked.marked) == [("work_experience", "modify", "removed"), ("work_experience", "read", "removed")]
    assert [sign for sign, _label in marked.menus] == ["−"]


def test_the_form_as_shown_changes_nothing(db, available):
    for role in ROLE_KEYS:
        held = permissions_of(role)
        assert pm.apply(held, pm.parse(posted(pm.build(held, available)), available), available) == held


def test_a_scope_changed_is_one_grant_on_the_scope(db, available):
    held = permissions_of("clerk")
    proposed = pm.apply(held, pm.parse(posted(pm.build(held, available), scope="all"), available), available)
    assert held ^ proposed == {("can_department", SCOPE_VIEW), ("can_all", SCOPE_VIEW)}
    assert pm.build(proposed, available, before=held).marked == [(SCOPE_VIEW, "scope", "changed")]
    none = pm.apply(held, pm.parse(posted(pm.build(held, available), scope="none"), available), available)
    assert pm.scope_of(none) == "none" and held - none == {("can_department", SCOPE_VIEW)}


@pytest.mark.parametrize("change", [{"tier:training": "everything"}, {"tier:no_such_section": "read"},
                                    {"scope": "the_world"}, {"grant": "999999"}, {"grant": "abc"}])
def test_a_form_naming_what_is_not_offered_is_refused(db, available, change):
    form = posted(pm.build(permissions_of("clerk"), available))
    for key, value in change.items():
        form.setlist(key, [value])
    with pytest.raises(pm.MatrixError) as refused:
        pm.parse(form, available)
    assert "can_" not in str(refused.value)


def test_a_grant_with_no_row_in_the_installation_is_refused(db, available):
    with pytest.raises(pm.MatrixError):
        pm.rows_of({("can_list", "training"), ("can_fly", "nowhere")}, available)


def test_a_grant_is_named_in_words_in_lists_of_changes(db):
    assert pm.pair_label(("can_edit", "work_experience")) == "工作经历 · 编辑"
    assert pm.pair_label(("can_all", SCOPE_VIEW)) == "范围 · 全部"
    assert "can_" not in pm.pair_label(("can_decide", "first_review"))
