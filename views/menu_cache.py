"""The navbar's menu, drawn once per set of roles, language and grant generation.

FAB draws the menu on every page: a permission check, a URL and a translation per
entry, a fifth of a list page's time. What it draws depends only on the grants of the
reader's roles (security.grants), the language and the application root, so the drawn
HTML is kept per app under those and the grant generation: any change to a grant,
approved in any worker, changes the generation and the next page draws the menu again.
The queue counts in the review entries (views.workflow.QueueCount) are the reader's own
and change with every decision: the kept HTML holds a marker in their place, filled in
for each page with this request's counts.
"""

import re

from flask import current_app, g, render_template, request
from flask_babel import get_locale
from markupsafe import Markup

from models.db import db
from security import grants, request_state

# Where a queue count goes in the kept HTML (no menu label contains a NUL).
MARK = "\x00queue:{}\x00"
_MARKED = re.compile("\x00queue:([a-z_]+)\x00")


def _draw() -> str:
    return render_template("appbuilder/navbar_menu.html", menu=current_app.appbuilder.menu)


def navbar_menu() -> Markup:
    """The menu's HTML for this page (a Jinja global used by appbuilder/navbar.html)."""
    user = g.get("user")
    current = grants.generation(db.session) if user is not None and user.is_authenticated else None
    if current is None:
        return Markup(_draw())
    sm = current_app.appbuilder.sm
    key = (tuple(sorted(role.id for role in sm.get_user_roles(user))), str(get_locale()), request.script_root)
    kept = grants.shared("menus")
    found = kept.get(key)
    if found is None or found[0] != current:
        state = request_state.current()
        state.menu_marks = True
        try:
            found = kept[key] = (current, _draw())
        finally:
            state.menu_marks = False
    from .workflow import queue_count

    return Markup(_MARKED.sub(lambda m: str(queue_count(m[1])), found[1]))
