"""The official page and one screen per dossier section, generated from ``models.sections``."""

from flask import Response, abort, g, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.widgets import RenderTemplateWidget
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from jobs import dossier_print

from models.db import db
from models import SECTIONS, Material, Official, rosters, workflow
from models.catalogue import outline
from models.labels import labels_of
from models.official import BASIC_FIELDS, CONTACT_FIELDS
from models.disposal import holds

from security import audit, request_state, scope

from .base import DossierInterface, RecordView, counted_with_rows, metadata_attrs
from .keeping import official_findings

SOURCE_COLUMNS = ["source_channel", "source_department", "received_on"]
ENTRY_COLUMNS = ["review_state", "entered_by", "entered_at", "changed_by", "changed_at"]
# Columns every section record has (models.base.SectionRecord), shown in their own block.
_COMMON = {
    "id", "official_id", "source_channel", "source_department_id", "received_on",
    "review_state", "entered_at", "entered_by_id", "changed_at", "changed_by_id",
}


def content_columns(model) -> list[str]:
    """The section's own fields, in declaration order, relations by their name."""
    names = []
    for column in model.__table__.columns:
        if column.key in _COMMON or column.key.endswith("_index"):
            continue
        if column.foreign_keys and column.key.endswith("_id"):
            names.append(column.key[: -len("_id")])
        else:
            names.append(column.key)
    return names


def section_view(model) -> type:
    """The screen of one registered section, made once per section."""
    if model in _SECTION_VIEWS:
        return _SECTION_VIEWS[model]
    content = content_columns(model)
    # Encrypted fields cannot be searched by the database.
    encrypted = {c.key for c in model.__table__.columns if "plain" in c.info}
    attrs = {
        # Permissions are named by the section key, whatever the Python class is called.
        "class_permission_name": model.section_key,
        "datamodel": DossierInterface(model),
        "list_title": model.section_label,
        "show_title": model.section_label,
        "add_title": model.section_label,
        "edit_title": model.section_label,
        "list_columns": ["official", *model.list_columns, "review_state"],
        "show_columns": ["official", *content, *SOURCE_COLUMNS, *ENTRY_COLUMNS],
        "add_columns": ["official", *content, *SOURCE_COLUMNS],
        # A record never moves to another official's dossier.
        "edit_columns": [*content, *SOURCE_COLUMNS],
        # Not "official": its filter would offer every official in a select (the
        # official page lists their records instead).
        "search_columns": list(model.search_columns) if model.search_columns is not None
        else [c for c in content if c != "training" and c not in encrypted],
        "base_order": (model.order_by[0], "desc"),
        "show_template": "dossier/record_show.html",
        "extra_args": {"history_table": model.__tablename__},
        **metadata_attrs(model),
    }
    view = _SECTION_VIEWS[model] = type(f"{model.__name__}View", (RecordView,), attrs)
    return view


_SECTION_VIEWS: dict[type, type] = {}


def section_views() -> list[type]:
    """A screen for every registered section, in registry order."""
    return [section_view(model) for model in SECTIONS]

BASIC_COLUMNS = list(BASIC_FIELDS)
CONTACT_COLUMNS = list(CONTACT_FIELDS)


class OfficialView(RecordView):
    """The official page: basic information, then every section on its own tab."""

    datamodel = DossierInterface(Official)
    class_permission_name = Official.section_key
    list_title = _l("Officials")
    show_title = _l("Official's dossier")
    add_title = _l("Add official")
    edit_title = _l("Edit basic information")
    form_subject = _l("Basic information")

    list_columns = ["name", "gender", "birth_date", "department", "post", "status"]
    search_columns = ["name", "department", "post", "status", "gender", "political_status", "education"]
    add_columns = [*BASIC_COLUMNS, *CONTACT_COLUMNS, *SOURCE_COLUMNS]
    edit_columns = add_columns
    show_fieldsets = [
        (_l("Personal facts"), {"fields": BASIC_COLUMNS}),
        (_l("Contact"), {"fields": CONTACT_COLUMNS}),
        (_l("Source and entry"), {"fields": [*SOURCE_COLUMNS, *ENTRY_COLUMNS]}),
    ]
    base_order = ("name", "asc")
    # The list carries the search box (views.search) above FAB's filters.
    list_template = "dossier/official_list.html"
    # Every section's tab, and the catalogue's (set when the views are registered).
    related_views: list = []
    show_template = "dossier/official_show.html"

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        pk = self._deserialize_pk_if_composite(pk)
        scope.guard(Official, pk)
        official = db.session.get(Official, pk, execution_options={"include_pending": True})
        if official is None:
            abort(404)
        pending = official.review_state != workflow.APPROVED
        if pending:
            # Not yet part of the dossier: only its author opens it, to go on entering material.
            if official.entered_by_id != g.user.id:
                abort(404)
            request_state.current().visibility = "author"
        widgets = self._show(pk)
        sm = self.appbuilder.sm
        return self.render_template(
            self.show_template,
            pk=pk,
            # The panel names whose dossier it is.
            title=_("Dossier of %(name)s", name=official.name),
            widgets=widgets,
            edit_url=url_for("OfficialView.edit", pk=pk) if sm.has_access("can_edit", Official.section_key) else None,
            print_url=url_for("OfficialView.print", pk=pk)
            if not pending and sm.has_access("can_print", Official.section_key) else None,
            related_views=self._related_views,
            addable=self._addable_sections(pk),
            pending=pending,
            history_url=url_for("HistoryView.record", table="official", record_id=pk),
            catalogue_url=url_for("MaterialView.catalogue", official_id=pk)
            if not pending and self.appbuilder.sm.has_access("can_catalogue", Material.section_key) else None,
            completeness=[] if pending else official_findings(pk, g.user),
            can_confirm=self.appbuilder.sm.has_access("can_confirm", "completeness"),
            # Whoever reads holds sees those stopping this dossier's destruction.
            on_hold=holds.of_dossier(db.session, int(pk))
            if not pending and self.appbuilder.sm.has_access("can_list", "holds") else [],
            describe_hold=holds.describe,
        )

    # The printable dossier (jobs.dossier_print): what the page shows this reader, on A4.
    @expose("/print/<int:pk>", methods=["GET"])
    @has_access
    def print(self, pk):
        scope.guard(Official, pk)
        # Approved basic information only (models.visibility): a draft official has no dossier to print.
        official = db.session.get(Official, pk)
        if official is None:
            abort(404)
        printed = dossier_print.build(db.session, official, g.user, dossier_print.mark(g.user),
                                      clear=rosters.identifiers_clear(g.user))
        audit.record("print", object_type="official", object_id=pk, details={
            "sections": list(printed.sections), "count": printed.records, "format": "pdf"})
        db.session.commit()
        return Response(printed.pdf, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="dossier-{pk}.pdf"'})

    def _get_related_view_widget(self, item, related_view, *args, **kwargs):
        if related_view.datamodel.obj is Material:
            return catalogue_tab(item)
        with counted_with_rows():
            widget = super()._get_related_view_widget(item, related_view, *args, **kwargs)
        # Every row of a tab is this official's: a column repeating their name says nothing.
        if widget is not None:
            shown = widget.template_args["include_columns"]
            widget.template_args["include_columns"] = [c for c in shown if c != "official"]
        return widget

    def _addable_sections(self, pk):
        """Sections the reader may add material to, some of which they may not read."""
        sm = self.appbuilder.sm
        return [
            (view.datamodel.obj.section_label, url_for(f"{view.__name__}.add", _flt_0_official=pk))
            for view in self.related_views
            if sm.has_access("can_add", view.class_permission_name)
        ]


class CatalogueTab(RenderTemplateWidget):
    template = "dossier/_catalogue_tab.html"


def catalogue_tab(official) -> CatalogueTab:
    """The catalogue tab: all ten classes, each sub-class with its materials the reader may
    read (approved, models.visibility) or marked as empty."""
    from .catalogue import may_read

    materials = db.session.scalars(select(Material).where(Material.official_id == official.id)).all()
    shown = [m for m in materials if may_read(m)]
    return CatalogueTab(classes=outline(shown), labels=labels_of(Material), hidden=len(materials) - len(shown))


for _name, _value in metadata_attrs(Official).items():
    setattr(OfficialView, _name, _value)
