"""The process-wide singletons of the web application, bound to an app in ``create_app()``.

The database object belongs to the domain (``models.db``).
"""

from flask import current_app
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from werkzeug.local import LocalProxy

migrate = Migrate()
csrf = CSRFProtect()

# FAB keeps views, menus and blueprints on its AppBuilder, so each app gets its
# own (tests run several apps in one process); code reaches the current one here.
appbuilder = LocalProxy(lambda: current_app.appbuilder)
