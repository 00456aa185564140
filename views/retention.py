"""The retention schedule and the due list (§9.1), under 档案保管: thin screens over
models.disposal.retention (rules, proposals, decisions) and models.disposal.due_list."""

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy import select

from models import Department, JobLock, Material, Official, codes
from models.db import db
from models.disposal import retention
from models.disposal.due_list import formed_column, summary
from models.disposal.retention import RetentionDue, RetentionError, RetentionRule
from models.sections import BY_TABLE

from .params import DIGITS, MAX_ID

LISTED = 200
RECENT = 30


def _form_id(value) -> int | None:
    value = (value or "").strip()
    return int(value) if DIGITS.fullmatch(value) and 0 < int(value) <= MAX_ID else None


class RetentionScheduleView(BaseView):
    route_base = "/retention/schedule"
    default_view = "index"
    class_permission_name = "retention_schedule"

    @expose("/")
    @has_access
    def index(self):
        sm = self.appbuilder.sm
        decided = db.session.scalars(select(RetentionRule).where(RetentionRule.state != retention.PROPOSED)
                                     .order_by(RetentionRule.decided_at.desc(), RetentionRule.id.desc())
                                     .limit(RECENT)).all()
        return self.render_template(
            "dossier/retention_schedule.html", rows=retention.schedule(db.session), decided=decided,
            scopes=retention.SCOPE_LABELS, runs_from=retention.RUNS_FROM_LABELS, states=retention.STATE_LABELS,
            can_propose=sm.has_access("can_propose", self.class_permission_name),
            can_decide=sm.has_access("can_decide", self.class_permission_name), form=request.args)

    @expose("/propose", methods=["POST"])
    @has_access
    def propose(self):
        form = request.form
        scope, _sep, key = form.get("target", "").partition(":")
        try:
            rule = retention.propose(db.session, g.user, scope, key, form.get("period_years"),
                                     form.get("runs_from", ""), form.get("fixed_on"), form.get("reason"))
        except RetentionError as refused:
            db.session.rollback()
            flash(str(refused), "danger")
            return redirect(url_for(".index"))
        db.session.commit()
        flash(_("Change no. %(id)s proposed: it takes effect when another person approves it.", id=rule.id),
              "success")
        return redirect(url_for(".index"))

    @expose("/decide", methods=["POST"])
    @has_access
    def decide(self):
        rule_id = _form_id(request.form.get("rule"))
        rule = db.session.get(RetentionRule, rule_id) if rule_id else None
        decision = {"approve": retention.approve, "reject": retention.reject}.get(request.form.get("decision", ""))
        if rule is None or decision is None:
            flash(_("Choose a proposed change and approve or reject it."), "danger")
            return redirect(url_for(".index"))
        try:
            decision(db.session, rule, g.user, request.form.get("note"))
        except RetentionError as refused:
            db.session.rollback()
            flash(str(refused), "danger")
            return redirect(url_for(".index"))
        db.session.commit()
        flash(_("Change no. %(id)s: %(state)s.", id=rule.id, state=retention.STATE_LABELS[rule.state]), "success")
        return redirect(url_for(".index"))


def _items(official_id: int | None) -> list[dict]:
    """The due items (of one official, or the first ones), with class, number, title and date formed."""
    query = select(RetentionDue).order_by(RetentionDue.official_id, RetentionDue.due_on, RetentionDue.id)
    if official_id is not None:
        query = query.where(RetentionDue.official_id == official_id)
    due = db.session.scalars(query.limit(LISTED)).all()
    loaded = {}
    for table in {d.table_name for d in due}:
        model = BY_TABLE.get(table)
        if model is None:
            continue
        ids = [d.record_id for d in due if d.table_name == table]
        loaded.update({(table, row.id): row for row in db.session.scalars(select(model).where(model.id.in_(ids)))})
    items = []
    for d in due:
        row = loaded.get((d.table_name, d.record_id))
        if row is None:
            continue  # out of the reader's scope, or gone since the last run
        column, convert = formed_column(type(row))
        material = isinstance(row, Material)
        items.append({"due": d, "class": codes.name("material_class", d.material_class),
                      "number": row.sequence if material else None,
                      "title": row.title if material else f"{type(row).section_label} #{row.id}",
                      "formed_on": convert(getattr(row, column.key)), "official_id": d.official_id})
    return items


class RetentionDueView(BaseView):
    route_base = "/retention/due"
    default_view = "index"
    class_permission_name = "retention_due"

    @expose("/")
    @has_access
    def index(self):
        chosen = request.args.get("official", "")
        official_id = _form_id(chosen) if chosen else None
        if chosen and official_id is None:
            abort(400)
        counts = summary(db.session)
        by_official: dict[int, dict] = {}
        for oid, material_class, count, first, last in counts:
            entry = by_official.setdefault(oid, {"classes": {}, "total": 0, "first": first, "last": last})
            entry["classes"][material_class] = count
            entry["total"] += count
            entry["first"], entry["last"] = min(entry["first"], first), max(entry["last"], last)
        shown = list(by_official)[:LISTED]
        officials = {o.id: o for o in db.session.scalars(select(Official).where(Official.id.in_(shown)))}
        departments = {d.id: d for d in db.session.scalars(select(Department))}
        rows = [(officials[oid], by_official[oid]) for oid in shown if oid in officials]
        classes = sorted({c for _o, c, *_rest in counts}, key=lambda c: list(codes.table("material_class")).index(c)
                         if c in codes.table("material_class") else 999)
        totals = {c: sum(n for _o, cc, n, *_r in counts if cc == c) for c in classes}
        items = _items(official_id)
        names = dict(db.session.execute(select(Official.id, Official.name).where(
            Official.id.in_({i["official_id"] for i in items}))).all())
        return self.render_template(
            "dossier/retention_due.html", rows=rows, classes=classes, totals=totals,
            total=sum(totals.values()), departments=departments, items=items, names=names,
            chosen=officials.get(official_id) if official_id else None,
            class_name=lambda c: codes.name("material_class", c),
            last_run=db.session.get(JobLock, "retention_due"))
