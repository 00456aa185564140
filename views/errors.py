"""Every error page in the reader's language, and never a database error's text.

Werkzeug's own pages are English and a view's uncaught exception would be its
bare 500; a database error's message carries SQL and the values typed. Each
status gets a sentence of ours on the product's page; anything unexpected is
logged for the operators with its traceback and shown as the 500 sentence.
"""

import logging

from flask import current_app, g, render_template
from flask_login import current_user
from flask_babel import gettext as _
from markupsafe import escape
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood: a value in it is malformed. Go back and try again."),
        401: _("Please sign in first."),
        403: _("You are not allowed to do this."),
        404: _("There is nothing here: the page or record does not exist or is not yours to see."),
        405: _("This page cannot be used that way."),
        413: None,  # the attachment store states its own limit
        500: _("Something went wrong on our side and nothing was saved. Try again; if it happens again, "
               "tell the system administrator the time."),
    }


def message_for(code: int) -> str:
    if code == 413:
        from models.storage import attachments

        return attachments.too_large_message()
    messages = _messages()
    return messages.get(code) or (messages[500] if code >= 500 else messages[400])


def error_page(code: int):
    """The product's page saying what went wrong; a plain page when even that cannot be drawn."""
    from models.db import db

    # A failed statement leaves the transaction aborted: the page's own queries need a fresh one.
    db.session.rollback()
    message = message_for(code)
    appbuilder = current_app.appbuilder
    if "user" not in g:
        # Refused before FAB's own hook read the user (a CSRF check, a malformed id): the menu needs it.
        g.user = current_user
    try:
        return render_template("dossier/refused.html", message=message, base_template=appbuilder.base_template,
                               appbuilder=appbuilder), code
    except Exception:  # the database itself may be gone
        log.exception("error page could not be drawn")
        db.session.rollback()
        return f'<!DOCTYPE html><meta charset="utf-8"><p id="refused">{escape(message)}</p>', code


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    # CSRF refusals and FAB's own aborts arrive here too.
    return error_page(error.code)


def _unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return _http_error(error)
    log.exception("unhandled error", exc_info=error)
    return error_page(500)


def init_app(app) -> None:
    for code in (400, 401, 403, 404, 405, 413, 500):
        app.register_error_handler(code, _http_error)
    app.register_error_handler(Exception, _unexpected)
