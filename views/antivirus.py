"""The archivist's virus-scanning page (§6.2.2): the scanner's state, its signatures,
the last rescan of the store and every quarantined file."""

from flask_appbuilder import BaseView, expose, has_access

from jobs import antivirus


class AntivirusView(BaseView):
    class_permission_name = "antivirus"
    route_base = "/antivirus"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("dossier/antivirus.html", status=antivirus.status())
