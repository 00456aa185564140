"""Destruction screens (§9.2): the archivist's lists and their execution, the unit head's
approval, and the register. Thin: the rules are ``models.disposal.applying``, the
execution ``jobs.destruction`` and the register ``jobs.destruction.register``."""

from datetime import datetime

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from jobs.destruction import register
from models import codes
from models.db import db
from models.disposal import applying
from models.disposal.destruction import APPROVED, DRAFT, EXECUTED, SUBMITTED, DestructionList, DestructionRegister
from security import accounts, audit

from jobs.destruction import DestructionRefused
from jobs.destruction import execute as run_execution

RECENT = 100
STATES = {"draft": _l("Draft"), "submitted": _l("Submitted"), "approved": _l("Approved"), "rejected": _l("Rejected"),
          "executing": _l("Executing"), "executed": _l("Executed")}
KINDS = {"dossier": _l("Whole dossier"), "material": _l("Material"), "record": _l("Section record")}


class _Screen(BaseView):
    def render_template(self, template, **kwargs):
        return super().render_template(template, states=STATES, kinds=KINDS, **kwargs)


def _list(list_id: int) -> DestructionList:
    found = db.session.get(DestructionList, list_id)
    if found is None:
        abort(404)
    return found


def _mark() -> str:
    return f"{g.user.username} {datetime.now():%Y-%m-%d %H:%M}"


def _attempt(move, success: str | None = None) -> bool:
    """Runs a rule: commits and says ``success``, or rolls back and shows the refusal."""
    try:
        move()
    except applying.ListRefused as refused:
        db.session.rollback()
        flash(str(refused), "danger")
        return False
    db.session.commit()
    if success:
        flash(success, "success")
    return True


def _describe(session, eligible) -> dict:
    """A candidate as the application screen shows it: what it is and why it is eligible."""
    row = eligible.item.load(session)
    if eligible.basis == "due":
        why = _("due since %(date)s (retention rule %(rule)s)", date=eligible.since, rule=eligible.basis_id)
    else:
        why = _("marked invalid: %(reason)s (appraisal mark %(mark)s)",
                reason=codes.name("invalid_reason", eligible.reason), mark=eligible.basis_id)
    return {"value": applying.item_value(eligible.item), "official": eligible.item.official_id,
            "title": getattr(row, "title", None) or str(row) if row is not None else "—",
            "class": getattr(row, "material_class", None), "why": why}


def _methods():
    return codes.choices("destruction_method")()[1:]


class DestructionView(_Screen):
    """The archivist's destruction lists: apply, submit, execute (§9.2.1, §9.2.3)."""

    route_base = "/destruction"
    default_view = "list"
    class_permission_name = "destruction"

    @expose("/")
    @has_access
    def list(self):
        lists = db.session.scalars(select(DestructionList).order_by(DestructionList.id.desc()).limit(RECENT)).all()
        return self.render_template("dossier/destruction_lists.html", lists=lists, methods=_methods(),
                                    method_name=lambda c: codes.name("destruction_method", c))

    @expose("/create", methods=["POST"])
    @has_access
    def create(self):
        made = []
        if _attempt(lambda: made.append(applying.create(db.session, g.user, request.form.get("reason", ""),
                                                         request.form.get("method", "")))):
            return redirect(url_for(".show", list_id=made[0].id))
        return redirect(url_for(".list"))

    @expose("/<int:list_id>")
    @has_access
    def show(self, list_id):
        lst = _list(list_id)
        editable = lst.state == DRAFT and lst.applicant_id == g.user.id
        candidates = [_describe(db.session, e) for e in applying.candidates(db.session)] if editable else []
        return self.render_template(
            "dossier/destruction_show.html", lst=lst, editable=editable, candidates=candidates, methods=_methods(),
            method_name=codes.name("destruction_method", lst.method), executable=lst.state == APPROVED,
            register=db.session.scalar(select(DestructionRegister).where(DestructionRegister.list_id == lst.id)))

    @expose("/<int:list_id>/change", methods=["POST"])
    @has_access
    def change(self, list_id):
        lst = _list(list_id)
        _attempt(lambda: applying.update(db.session, lst, g.user, request.form.get("reason", ""),
                                         request.form.get("method", "")), _("Saved."))
        return redirect(url_for(".show", list_id=list_id))

    @expose("/<int:list_id>/add", methods=["POST"])
    @has_access
    def add_items(self, list_id):
        lst = _list(list_id)
        outcome = {}

        def add():
            items = [applying.parse_item(v) for v in request.form.getlist("item")]
            outcome["added"], outcome["refused"] = applying.add_items(db.session, lst, g.user, items)

        if _attempt(add):
            for sentence in outcome["refused"]:
                flash(sentence, "danger")
            if outcome["added"]:
                flash(_("%(n)s item(s) added to the list.", n=len(outcome["added"])), "success")
        return redirect(url_for(".show", list_id=list_id))

    @expose("/<int:list_id>/remove/<int:entry_id>", methods=["POST"])
    @has_access
    def remove(self, list_id, entry_id):
        lst = _list(list_id)
        _attempt(lambda: applying.remove_item(db.session, lst, g.user, entry_id), _("Item removed from the list."))
        return redirect(url_for(".show", list_id=list_id))

    @expose("/<int:list_id>/submit", methods=["POST"])
    @has_access
    def submit(self, list_id):
        lst = _list(list_id)
        _attempt(lambda: applying.submit(db.session, lst, g.user),
                 _("Destruction list %(id)s submitted: it is frozen and waits for the unit head's approval.", id=lst.id))
        return redirect(url_for(".show", list_id=list_id))

    @expose("/<int:list_id>/execute", methods=["GET", "POST"])
    @has_access
    def execute(self, list_id):
        lst = _list(list_id)
        people = [u for u in db.session.scalars(select(self.appbuilder.sm.user_model)
                                                .order_by(self.appbuilder.sm.user_model.username))
                  if u.is_active and u.id not in (g.user.id, lst.applicant_id)]
        if request.method == "POST":
            if self._execute(lst):
                return redirect(url_for("DestructionRegisterView.list"))
        return self.render_template("dossier/destruction_execute.html", lst=lst, people=people)

    def _execute(self, lst) -> bool:
        chosen = request.form.get("supervisor", "")
        supervisor = db.session.get(self.appbuilder.sm.user_model, int(chosen)) if chosen.isdigit() else None
        try:
            applying.check_supervisor(lst, g.user, supervisor)
        except applying.ListRefused as refused:
            flash(str(refused), "danger")
            return False
        if not accounts.own_credentials(db.session, supervisor, g.user):
            flash(_("The supervisor must confirm with a password of their own: theirs is still to be changed, "
                    "or was last set by you. Nothing was destroyed."), "danger")
            return False
        if not accounts.confirm_password(db.session, supervisor, request.form.get("supervisor_password", "")):
            db.session.rollback()
            flash(_("The supervisor's password is wrong (or the account is locked): nothing was destroyed."), "danger")
            return False
        try:
            run_execution(db.session, lst, g.user, supervisor)
        except (DestructionRefused, applying.ListRefused) as refused:
            db.session.rollback()
            flash(str(refused), "danger")
            return False
        flash(_("Destruction list %(id)s executed; its register is signed.", id=lst.id), "success")
        return True


class DestructionApprovalView(_Screen):
    """The unit head's decision on submitted lists (§9.2.2)."""

    route_base = "/destruction-approval"
    default_view = "list"
    class_permission_name = "destruction_approval"

    @expose("/")
    @has_access
    def list(self):
        lists = db.session.scalars(select(DestructionList).where(DestructionList.state != DRAFT)
                                   .order_by(DestructionList.id.desc()).limit(RECENT)).all()
        return self.render_template("dossier/destruction_approvals.html", lists=lists, waiting=SUBMITTED)

    @expose("/<int:list_id>")
    @has_access
    def show(self, list_id):
        lst = _list(list_id)
        if lst.state == DRAFT:
            abort(404)
        return self.render_template("dossier/destruction_decide.html", lst=lst, waiting=lst.state == SUBMITTED,
                                    method_name=codes.name("destruction_method", lst.method))

    @expose("/<int:list_id>/decide", methods=["POST"])
    @has_access
    def decide(self, list_id):
        lst = _list(list_id)
        note = request.form.get("note", "")
        if request.form.get("decision") == "approve":
            done = []
            if _attempt(lambda: done.append(applying.approve(db.session, lst, g.user, note))):
                flash(_("Destruction list %(id)s approved.", id=list_id) if done[0] else
                      _("First approval recorded: destruction list %(id)s waits for its second review.", id=list_id),
                      "success")
        elif request.form.get("decision") == "reject":
            _attempt(lambda: applying.reject(db.session, lst, g.user, note),
                     _("Destruction list %(id)s rejected.", id=list_id))
        else:
            flash(_("Choose to approve or to reject."), "danger")
        return redirect(url_for(".show", list_id=list_id))


class DestructionRegisterView(_Screen):
    """The register (销毁清册, §9.2.4): read, verified on every reading, printed."""

    route_base = "/destruction-register"
    default_view = "list"
    class_permission_name = "destruction_register"

    @expose("/")
    @has_access
    def list(self):
        registers = db.session.scalars(select(DestructionRegister).order_by(DestructionRegister.id.desc())
                                       .limit(RECENT)).all()
        return self.render_template("dossier/destruction_registers.html",
                                    rows=[(r, register.check(r)) for r in registers])

    def _register(self, register_id):
        found = db.session.get(DestructionRegister, register_id)
        if found is None:
            abort(404)
        return found

    @expose("/<int:register_id>")
    @has_access
    def show(self, register_id):
        found = self._register(register_id)
        audit.record("read", object_type="destruction_register", object_id=found.id)
        db.session.commit()
        return self.render_template("dossier/destruction_register.html", register=found,
                                    body=register.body_of(found), problem=register.check(found),
                                    method_name=codes.name("destruction_method", register.body_of(found)["method"]))

    @expose("/<int:register_id>/pdf")
    @has_access
    def pdf(self, register_id):
        found = self._register(register_id)
        data = register.pdf(found, _mark())
        audit.record("export", object_type="destruction_register", object_id=found.id, details={"format": "pdf"})
        db.session.commit()
        return Response(data, mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="destruction-register-{found.id}.pdf"'})
