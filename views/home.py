"""The landing page: what the signed-in user can do, in the words of their role."""

from flask import g
from flask_appbuilder import IndexView, expose

from security.roles import ROLE_LABELS


class HomeView(IndexView):
    index_template = "dossier/home.html"

    @expose("/")
    def index(self):
        user = g.user if g.user and g.user.is_authenticated else None
        roles = [str(ROLE_LABELS.get(r.name, r.name)) for r in user.roles] if user else []
        return self.render_template(self.index_template, appbuilder=self.appbuilder, roles=roles)
