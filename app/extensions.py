"""The process-wide singletons, bound to an app in ``create_app()``."""

from flask import current_app
from flask_appbuilder import Model
from flask_appbuilder.utils.legacy import get_sqla_class
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from werkzeug.local import LocalProxy

# Without model_class=Model, db.metadata is not Model.metadata and create_all()
# (tests) or Alembic would silently ignore every dossier table.
db = get_sqla_class()(model_class=Model)
migrate = Migrate()
csrf = CSRFProtect()

# FAB keeps views, menus and blueprints on its AppBuilder, so each app gets its
# own (tests run several apps in one process); code reaches the current one here.
appbuilder = LocalProxy(lambda: current_app.appbuilder)
