"""The archivist's data clean-up page (§4.3.3): the dry run, item by item with its reason,
and the button that runs it. The rules are ``jobs.cleanup``'s."""

from flask import flash, g, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from jobs import cleanup


class CleanupView(BaseView):
    class_permission_name = "cleanup"
    route_base = "/cleanup"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("dossier/cleanup.html", plan=cleanup.plan(), cleaners=cleanup.CLEANERS)

    @expose("/run", methods=["POST"])
    @has_access
    def run(self):
        result = cleanup.run(actor=g.user)
        told = sum(len(items) for items in result.notices.values())
        flash(_("Clean-up done: %(removed)s item(s) removed, %(told)s draft author(s) told.",
                removed=sum(result.removed.values()), told=told), "success")
        return redirect(url_for(".index"))
