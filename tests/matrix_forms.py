"""The permission matrix's form as its page posts it (views.permission_matrix), for tests that
change a role's grants the way a security administrator does."""

from werkzeug.datastructures import MultiDict


def grants(role) -> set[tuple[str, str]]:
    return {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}


def matrix_form(role, add=(), remove=(), scope=None, **tiers) -> MultiDict:
    """The role's matrix as shown, with function cells ticked (``add``) or cleared (``remove``),
    section tiers changed (``work_experience="read"``) and the scope changed."""
    from security import permission_matrix as pm
    from views.permission_matrix import ids, permission_views

    index = ids(permission_views())
    matrix = pm.build(grants(role), index)
    form = MultiDict({f"tier:{row.key}": row.level for group in matrix.areas for row in group.rows})
    form["scope"] = scope or matrix.scope
    ticked = {cell.value for group in matrix.functions for row in group.rows for cell in row.cells if cell.held}
    ticked = (ticked | {str(index[p]) for p in add}) - {str(index[p]) for p in remove}
    form.setlist("grant", sorted(ticked))
    for key, level in tiers.items():
        form[f"tier:{key}"] = level
    return form


def propose(client, role, **changes):
    return client.post(f"/permissionmatrix/{role.id}", data=matrix_form(role, **changes), follow_redirects=True)
