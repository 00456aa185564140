"""The one search box (navigation bar and official list): officials by name, pinyin or citizen ID."""

from flask import redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from models.db import db
from models import search


class SearchView(BaseView):
    route_base = "/search"
    class_permission_name = "search"
    default_view = "list"
    base_permissions = ["can_list"]

    @expose("/")
    @has_access
    def list(self):
        text = request.args.get("q", "")
        found = search.find(db.session, text)
        if len(found) == 1 and request.args.get("go"):
            return redirect(url_for("OfficialView.show", pk=found[0].id))
        return self.render_template("dossier/search.html", title=_("Find an official"), text=text[:search.MAX_QUERY],
                                    found=found, limit=search.LIMIT)
