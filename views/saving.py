"""Saving a posted form: a refusal keeps the form open with what was typed.

FAB's ``_add`` and ``_edit`` flash whatever a rule or the database raised (an
``IntegrityError`` with its SQL and parameters) and redirect, throwing the
typed form away. Here a rule's refusal goes next to its field, and a database
error is rolled back and told in the reader's language, never in its own words.
"""

import logging

from flask import abort, flash, request
from flask_appbuilder.urltools import get_filter_args, get_order_args, get_page_args, get_page_size_args
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from models.db import db
from models import DOSSIER_MODELS, validation
from security import approvals
from security.errors import Refusal

from . import submissions

log = logging.getLogger(__name__)


def show_errors(form, errors) -> None:
    """Each rule's message beside its field; those about no field of the form above it."""
    for error in errors:
        field = form._fields.get(error.field)
        if field is not None and field.widget is not None and getattr(field.widget, "input_type", "") != "hidden":
            field.errors = [*field.errors, error.message] if isinstance(field.errors, list) else [error.message]
        else:
            flash(error.message, "danger")


def _untranslated() -> dict[str, str]:
    # FAB's relation fields raise this without the period WTForms' own catalogue knows it by.
    return {"Not a valid choice": _("Not a valid choice: choose one of the options offered.")}


def in_readers_language(form) -> None:
    """Field errors FAB leaves in English, in the reader's language."""
    messages = _untranslated()
    for field in form:
        if isinstance(field.errors, list):
            field.errors = [messages.get(str(e), e) for e in field.errors]


def validated(form) -> bool:
    if form.validate():
        return True
    in_readers_language(form)
    return False


def decided(decision, done) -> bool:
    """Run ``decision`` (a rule's move on the session) and commit it; a refusal of the rules
    is rolled back and told as it is. ``done`` is the message of success."""
    try:
        decision()
        db.session.commit()
    except (Refusal, validation.DossierValidationError) as error:
        db.session.rollback()
        flash(str(error), "danger")
        return False
    flash(done, "success")
    return True


class SavingForms:
    """Add and edit of a ModelView, refusals shown on the form (mixed into our base view)."""

    def _write(self, form, item, is_created: bool) -> bool:
        """Store ``item`` from ``form``; False when refused, with the reasons on the form."""
        self.process_form(form, is_created)
        try:
            form.populate_obj(item)
            (self.pre_add if is_created else self.pre_update)(item)
            if not isinstance(item, tuple(DOSSIER_MODELS)):
                # Dossier records are checked whole by pre_add/pre_update.
                errors = validation.duplicates(item, db.session)
                if errors:
                    raise validation.DossierValidationError(errors)
            (self.datamodel.add if is_created else self.datamodel.edit)(item)
        except validation.DossierValidationError as error:
            self._write_failed(item)
            show_errors(form, error.errors)
            return False
        except SQLAlchemyError:
            log.exception("write refused by the database")
            self._write_failed(item)
            flash(_("The record could not be saved: it conflicts with what is already stored. "
                    "Check the values and try again."), "danger")
            return False
        except approvals.Pending as error:
            # The change became a permission request (already stored): nothing more to save.
            flash(str(error), "info")
            return True
        except Refusal as error:  # messages written for the user
            self._write_failed(item)
            flash(str(error), "danger")
            return False
        except BaseException:
            self._write_failed(item)
            raise
        (self.post_add if is_created else self.post_update)(item)
        flash(self.add_row_message if is_created else self.edit_row_message, "success")
        return True

    def _write_failed(self, item) -> None:
        """Undo what a refused write left behind (a view storing a file discards it)."""
        db.session.rollback()

    def _add(self):
        if request.method != "POST":
            return super()._add()
        token = submissions.posted()
        if token is not None and not submissions.claim(token):
            flash(_("This form had already been sent: the record was saved once, not twice."), "warning")
            return None
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        form = self.add_form.refresh()
        self._fill_form_exclude_cols(exclude_cols, form)
        saved = False
        try:
            saved = validated(form) and self._write(form, self.datamodel.obj(), True)
        finally:
            if token is not None and not saved:
                submissions.give_back(token)  # the corrected form may be sent again
        if saved:
            return None
        # Re-rendered from the post: the form keeps its submission id.
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)

    def _edit(self, pk):
        if request.method != "POST":
            return super()._edit(pk)
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        pk = self.datamodel.get_pk_value(item)
        form = self.edit_form.refresh(request.form)
        self._fill_form_exclude_cols(exclude_cols, form)
        form._id = pk  # FAB's unique validators skip the edited row
        if validated(form) and self._write(form, item, False):
            return None
        widgets = self._get_edit_widget(form=form, exclude_cols=exclude_cols)
        return self._get_related_views_widgets(item, filters={}, orders=get_order_args(), pages=get_page_args(),
                                               page_sizes=get_page_size_args(), widgets=widgets)
