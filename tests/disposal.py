"""§9 test data as the jobs and screens would leave it (the ``disposal`` fixture of conftest)."""

import json
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select

from models.disposal import AppraisalMark, Hold, RetentionDue, RetentionRule


class Disposal:
    def __init__(self, db, users):
        self.db, self.users = db, users

    def due(self, row, years=10):
        key = getattr(row, "material_class", None) or "10"
        # One rule in force per class (a unique index): several due items of a class share it.
        rule = self.db.session.scalar(select(RetentionRule).where(
            RetentionRule.scope == "class", RetentionRule.key == key, RetentionRule.state == "active"))
        if rule is None:
            rule = RetentionRule(scope="class", key=key, period_years=years, runs_from="formed", state="active",
                                 reason="保管期满", proposed_by_id=self.users["archivist"].id,
                                 decided_by_id=self.users["unit_head"].id, decided_at=datetime.now())
            self.db.session.add(rule)
            self.db.session.flush()
        self.db.session.add(RetentionDue(
            official_id=row.official_id, table_name=row.__tablename__, record_id=row.id,
            material_class=getattr(row, "material_class", None), rule_id=rule.id,
            due_on=date.today() - timedelta(days=30)))
        self.db.session.commit()
        return rule

    def mark(self, row, reason="duplicate", state="approved"):
        mark = AppraisalMark(official_id=row.official_id, table_name=row.__tablename__, record_id=row.id,
                             reason=reason, review_state=state, entered_by_id=self.users["archivist"].id)
        self.db.session.add(mark)
        self.db.session.commit()
        return mark

    def hold(self, kind="material", official_id=None, material_id=None, material_class=None):
        hold = Hold(kind=kind, official_id=official_id, material_id=material_id, material_class=material_class,
                    reason="纪律审查", ordered_by="市纪委监委", placed_by_id=self.users["archivist"].id)
        self.db.session.add(hold)
        self.db.session.commit()
        return hold

    def executed(self, lst, executor, supervisor, targets=("/mnt/backup-a", "/mnt/backup-b")):
        """The list as jobs.destruction.execute leaves it (its report's format), for the
        register's tests on a branch without the execution engine."""
        now = datetime.now().replace(microsecond=0)
        materials = [e.record_id for e in lst.items if e.kind == "material"]
        report = {
            "format": 1, "list": lst.id, "targets": list(targets), "rows": {"material": len(materials)},
            "keys": {}, "executed_at": now.isoformat(),
            "file_keys": {str(9000 + m): {"material": m, "shredded": True,
                                          "targets": {t: "done" for t in targets}} for m in materials},
            "files": {}, "snapshots_gone_by": (date.today() + timedelta(days=90)).isoformat(),
        }
        for entry in lst.items:
            entry.done_at = now
        lst.state, lst.executor_id, lst.supervisor_id = "executed", executor.id, supervisor.id
        lst.execution_started_at = lst.executed_at = now
        lst.execution_report = json.dumps(report, sort_keys=True)
        self.db.session.commit()
        return report



def clean(db) -> None:
    """Every §9 table emptied (registers too: the ORM may not, a test may)."""
    from sqlalchemy_continuum import version_class

    from models.disposal import (AppraisalMark, DestructionItem, DestructionList, DestructionRegister, Hold,
                                 RetentionDue, RetentionRule)

    db.session.rollback()
    for model in (DestructionRegister, DestructionItem, DestructionList, RetentionDue, AppraisalMark, Hold,
                  RetentionRule):
        if hasattr(model, "__versioned__"):
            db.session.execute(delete(version_class(model).__table__))
        db.session.execute(delete(model.__table__))
    db.session.commit()


class Schedule:
    """The retention schedule as the archive sets it: ``in_force(scope, key, years, …)`` puts a
    rule in force (the archivist proposes, the unit head approves)."""

    def __init__(self, db, users):
        from models.disposal import retention

        self.db, self.users, self.module = db, users, retention

    def in_force(self, scope, key, years, runs_from="formed", fixed_on=None):
        rule = self.module.propose(self.db.session, self.users["archivist"], scope, key, years, runs_from, fixed_on,
                                   "测试：保管期限调整")
        self.module.approve(self.db.session, rule, self.users["unit_head"], None)
        self.db.session.commit()
        return rule


def clean_schedule(db):
    from sqlalchemy_continuum import version_class

    from models.disposal.retention import RetentionDue, RetentionRule

    db.session.rollback()
    for table in (RetentionDue.__table__, version_class(RetentionRule).__table__, RetentionRule.__table__):
        db.session.execute(delete(table))
    db.session.commit()
