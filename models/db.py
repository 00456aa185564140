"""The database object of the product: the domain owns it, the application binds it.

``create_app()`` calls ``db.init_app(app)``; everything below the application (views,
jobs, models, security's policy) reaches the session here, never through the app.
"""

from flask_appbuilder import Model
from flask_appbuilder.utils.legacy import get_sqla_class

# Without model_class=Model, db.metadata is not Model.metadata and create_all()
# (tests) or Alembic would silently ignore every dossier table.
db = get_sqla_class()(model_class=Model)
