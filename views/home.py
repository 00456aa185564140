"""The landing page: the signed-in user's workbench (security.workbench), in the words of their role."""

from flask import g
from flask_appbuilder import IndexView, expose

from models import Official
from models.db import db
from security import workbench
from security.roles import ROLE_LABELS


class HomeView(IndexView):
    index_template = "dossier/home.html"

    @expose("/")
    def index(self):
        user = g.user if g.user and g.user.is_authenticated else None
        roles = [str(ROLE_LABELS.get(r.name, r.name)) for r in user.roles] if user else []
        tiles = workbench.tiles_for(db.session, user) if user else []
        may_open_officials = bool(user) and self.appbuilder.sm.has_access("can_show", Official.section_key)
        recent = workbench.recent_officials(db.session, user) if may_open_officials else []
        return self.render_template(self.index_template, appbuilder=self.appbuilder, roles=roles,
                                    tiles=tiles, recent=recent)
