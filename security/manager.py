"""FAB's security manager, adapted in one place for an isolated records system."""

from flask_appbuilder.security.sqla.manager import SecurityManager


class DossierSecurityManager(SecurityManager):
    # FAB's user statistics chart loads Google Charts from the internet.
    userstatschartview = None
