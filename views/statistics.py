"""Statistics (统计): the standard tables, each with its chart and exports (``models.statistics``)."""

from datetime import date, datetime

from flask import flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from models.db import db
from jobs import exports
from models import statistics

from .charts import bar_chart
from .rosters import unit_name

CHANGES = "changes"


def _date(value: str, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        raise exports.ExportError(_("Not a date: %(value)s", value=value)) from None


def _table(args):
    """The table the arguments ask for: a dimension on a date (its departments rolled up to
    the top ones with ``rollup``), or the changes of a period."""
    dimension = args.get("dimension", "gender")
    today = date.today()
    if dimension == CHANGES:
        start = _date(args.get("start", ""), today.replace(month=1, day=1))
        end = _date(args.get("end", ""), today)
        if end < start:
            raise exports.ExportError(_("The period ends before it starts."))
        return dimension, statistics.changes(db.session, start, end), {"start": start, "end": end}
    if dimension not in statistics.DIMENSIONS:
        raise exports.ExportError(_("Unknown statistics table: %(name)s", name=dimension))
    on = _date(args.get("on", ""), today)
    return dimension, statistics.table(db.session, dimension, on, rollup=_rollup(args)), {"on": on}


def _rollup(args) -> bool:
    return args.get("rollup") == "1"


class StatisticsView(BaseView):
    route_base = "/statistics"
    class_permission_name = "statistics"
    default_view = "list"
    base_permissions = ["can_list", "can_export"]

    @expose("/")
    @has_access
    def list(self):
        try:
            dimension, table, dates = _table(request.args)
        except exports.ExportError as error:
            flash(str(error), "danger")
            return redirect(url_for(".list"))
        chart = bar_chart(table.title, [(str(label), total) for (_key, label), total in zip(table.columns, table.totals)])
        return self.render_template(
            "dossier/statistics.html", title=_("Statistics"), table=table, chart=chart, dimension=dimension,
            dimensions=statistics.DIMENSIONS, dates=dates, changes=CHANGES, formats=exports.FORMATS,
            rollup=_rollup(request.args),
            args=[(k, v.isoformat()) for k, v in dates.items()] + [("dimension", dimension)]
            + ([("rollup", "1")] if _rollup(request.args) else []),
            can_export=self.appbuilder.sm.has_access("can_export", "statistics"))

    @expose("/export", methods=["POST"])
    @has_access
    def export(self):
        try:
            purpose = exports.check_purpose(request.form.get("purpose", ""))
            dimension, table, dates = _table(request.form)
            heading = exports.Heading(unit_name(), f"{_('Statistics')}: {table.title}", g.user.get_full_name(),
                                      datetime.now())
            export = exports.write(request.form.get("format", ""), heading, table.headers(), table.cells())
        except exports.ExportError as error:
            flash(str(error), "danger")
            return redirect(url_for(".list", dimension=request.form.get("dimension", "gender")))
        exports.record(export, what="statistics", purpose=purpose,
                       subject={"table": dimension, "rollup": _rollup(request.form),
                                **{k: v.isoformat() for k, v in dates.items()}},
                       columns=[key for key, _label in table.columns])
        db.session.commit()
        return send_file(export.file, mimetype=export.media_type, as_attachment=True,
                         download_name=exports.file_name(table.title, export, heading.at))
