"""The roster builder (花名册): choose filters and columns, run, save, export.

The rules are in ``models.rosters`` (what is offered, the query) and ``jobs.exports``
(the files and their audit event); this screen reads the form and shows the result.
"""

from datetime import date, datetime

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from models.db import db
from jobs import exports
from models import codes, roster_filters, rosters
from models.labels import label

PREVIEW_ROWS = 100
# Rows of "section · field · operation · value" the builder offers.
FIELD_ROWS = 3
# Form fields of the export and save forms that are not part of the roster itself.
_NOT_SPEC = {"purpose", "format", "csrf_token", "name", "shared", "saved"}


def spec_from(args) -> rosters.Spec:
    from werkzeug.datastructures import MultiDict

    return rosters.parse(MultiDict([(k, v) for k, v in args.items(multi=True) if k not in _NOT_SPEC]))


def described(spec: rosters.Spec) -> dict:
    """The roster as the audit trail keeps it: column and filter names, never a typed name."""
    return {"filters": [[key, op, value if op != "contains" else "…"] for key, op, value in spec.filters],
            "fields": [[key, op, "…"] for key, op, _value in spec.fields],
            "sort": spec.sort, "group": spec.group, "on": (spec.on or date.today()).isoformat()}


def unit_name() -> str:
    from flask import current_app

    return str(current_app.config.get("DOSSIER_UNIT_NAME") or current_app.config.get("APP_NAME"))


class RosterView(BaseView):
    route_base = "/rosters"
    class_permission_name = "roster"
    default_view = "list"
    # Identifiers: offered with can_identifiers, clear with the identity tier (models.identity).
    base_permissions = ["can_list", "can_save", "can_export", "can_identifiers"]
    method_permission_name = {"list": "list", "run": "list", "save": "save", "forget": "save", "export": "export"}

    def _offered(self):
        return rosters.offer(g.user)

    def _check(self, spec, offered):
        rosters.check(spec, offered, roster_filters.fields(g.user))

    def _page(self, template, **context):
        offered = self._offered()
        fields = roster_filters.fields(g.user)
        field_sections = {}
        for key, (model, column) in fields.items():
            field_sections.setdefault(str(model.section_label), []).append(
                (key, label(column, model), " ".join(roster_filters.operations(model, column))))
        sections = {}
        for key, (model, column) in offered.items():
            sections.setdefault(str(model.section_label), []).append((key, column))
        return self.render_template(
            template, offered=offered, sections=sections, saved=rosters.saved_for(db.session, g.user),
            choices=lambda column: list(codes.table(column.code_table).items()) if column.code_table else [],
            locale=codes.current_locale(), label=label, can_export=self.appbuilder.sm.has_access("can_export", "roster"),
            can_save=self.appbuilder.sm.has_access("can_save", "roster"), departments=_departments(),
            field_sections=field_sections, operation_names=roster_filters.operation_names(),
            field_rows=FIELD_ROWS, **context)

    @expose("/")
    @has_access
    def list(self):
        return self._page("dossier/roster_builder.html", title=_("Rosters"), spec=None, today=date.today())

    @expose("/run")
    @has_access
    def run(self):
        saved, name = request.args.get("saved", ""), ""
        if not saved and not request.args:
            return self.list()  # nothing asked yet: the builder
        try:
            if saved:
                roster = self._saved(saved)
                spec, name = rosters.Spec.from_json(roster.spec), roster.name
            else:
                spec = spec_from(request.args)
            offered = self._offered()
            self._check(spec, offered)
        except rosters.RosterError as error:
            flash(str(error), "danger")
            return self._page("dossier/roster_builder.html", title=_("Rosters"), spec=None, today=date.today()), 400
        on = spec.on or date.today()
        total = rosters.count(db.session, spec, offered, on)
        rows = list(rosters.rows(db.session, spec, offered, on, clear=rosters.identifiers_clear(g.user),
                                 limit=PREVIEW_ROWS))
        return self._page("dossier/roster_result.html", title=_("Roster"), spec=spec, total=total, rows=rows,
                          headers=rosters.headers(spec, offered), args=spec.query_args(), on=on,
                          shown=len(rows), formats=exports.FORMATS, group_index=_group_index(spec), name=name)

    def _saved(self, pk):
        if not str(pk).isdigit():
            abort(404)
        roster = db.session.get(rosters.SavedRoster, int(pk))
        if roster is None or not (roster.shared or roster.owner_id == g.user.id):
            abort(404)
        return roster

    @expose("/save", methods=["POST"])
    @has_access
    def save(self):
        name = " ".join(request.form.get("name", "").split())
        try:
            spec = spec_from(request.form)
            self._check(spec, self._offered())
            if not name or len(name) > 100:
                raise rosters.RosterError(_("Name the roster (at most 100 characters)."))
        except rosters.RosterError as error:
            flash(str(error), "danger")
            return redirect(url_for(".list"))
        roster = rosters.SavedRoster(name=name, spec=spec.to_json(), shared=bool(request.form.get("shared")),
                                     owner_id=g.user.id)
        db.session.add(roster)
        db.session.commit()
        flash(_("Roster saved: %(name)s", name=name), "success")
        return redirect(url_for(".run", saved=roster.id))

    @expose("/forget", methods=["POST"])
    @has_access
    def forget(self):
        pk = request.form.get("roster", "")
        roster = db.session.get(rosters.SavedRoster, int(pk)) if pk.isdigit() and len(pk) < 10 else None
        if roster is None or roster.owner_id != g.user.id:
            abort(404)
        db.session.delete(roster)
        db.session.commit()
        flash(_("Roster removed: %(name)s", name=roster.name), "success")
        return redirect(url_for(".list"))

    @expose("/export", methods=["POST"])
    @has_access
    def export(self):
        offered = self._offered()
        try:
            spec = spec_from(request.form)
            self._check(spec, offered)
            purpose = exports.check_purpose(request.form.get("purpose", ""))
            kind = request.form.get("format", "")
            on = spec.on or date.today()
            title = " ".join(request.form.get("name", "").split())[:100] or _("Roster")
            heading = exports.Heading(unit_name(), title, g.user.get_full_name(), datetime.now())
            rows = rosters.rows(db.session, spec, offered, on, clear=rosters.identifiers_clear(g.user))
            export = exports.write(kind, heading, rosters.headers(spec, offered), rows)
        except (rosters.RosterError, exports.ExportError) as error:
            db.session.rollback()
            flash(str(error), "danger")
            return redirect(url_for(".run", **_multi(request.form)))
        exports.record(export, what="roster", purpose=purpose, subject=described(spec), columns=spec.columns)
        db.session.commit()
        return send_file(export.file, mimetype=export.media_type, as_attachment=True,
                         download_name=exports.file_name(title, export, heading.at))


def _multi(form) -> dict:
    args = {}
    for key, value in form.items(multi=True):
        if key not in _NOT_SPEC:
            args.setdefault(key, []).append(value)
    return args


def _group_index(spec):
    return spec.columns.index("department") if spec.group and "department" in spec.columns else None


def _departments():
    from sqlalchemy import select

    from models import Department

    return list(db.session.execute(select(Department.id, Department.name).order_by(Department.name)))


ROSTER_TITLE = _l("Rosters")
