"""Fixtures of the destruction tests: approved lists built through the models (the
screens' tests take the HTTP path), and a dossier with something in every table."""

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from models.disposal import DestructionItem, DestructionList, Hold, Item


@pytest.fixture(autouse=True)
def _clean_disposal(app):
    yield
    from models import AppraisalMark, RetentionDue, RetentionRule
    from models.db import db
    from models.disposal import DestructionRegister
    from sqlalchemy_continuum import version_class

    with app.app_context():
        db.session.rollback()
        for model in (DestructionRegister, DestructionItem, RetentionDue, AppraisalMark):
            db.session.execute(delete(model.__table__))
        for model in (DestructionList, Hold, RetentionRule, AppraisalMark):
            db.session.execute(delete(version_class(model).__table__))
            db.session.execute(delete(model.__table__))
        db.session.commit()


@pytest.fixture
def approved_list(db, users):
    """An approved destruction list of ``rows`` (officials for whole dossiers, materials)."""

    def _make(*rows):
        listed = DestructionList(reason="保管期限已满", method="crypto_erase", applicant_id=users["archivist"].id,
                                 state="approved", approver_id=users["unit_head"].id, submitted_at=date.today(),
                                 approved_at=date.today(), item_count=len(rows))
        for row in rows:
            item = Item.dossier(row.id) if row.__tablename__ == "official" else Item.of(row)
            listed.items.append(DestructionItem(
                kind=item.kind, official_id=item.official_id, table_name=item.table_name, record_id=item.record_id,
                title=getattr(row, "title", None) or row.__tablename__, material_class=getattr(row, "material_class", None),
                sequence=getattr(row, "sequence", None), basis="due"))
        db.session.add(listed)
        db.session.commit()
        return listed

    return _make


@pytest.fixture
def full_dossier(db, users, factory, make_official, make_material):
    """An official with a record of every section, documents, and everything around them:
    a change request and its review decision, a collection receipt, a consultation grant with
    a reading, a completeness confirmation, an appraisal mark, a due row and a quarantine entry."""
    from models import (BY_TABLE, AppraisalMark, ChangeRequest, CollectionReceipt, CompletenessConfirmation,
                        Consultation, ConsultationReading, Quarantine, RetentionDue, RetentionRule, ReviewDecision)

    def _make():
        dossier = factory.dossier()
        official = make_official(**{k: v for k, v in dossier.official.items() if k != "department_id"})
        records = []
        for table_name, rows in dossier.sections.items():
            for row in rows:
                record = BY_TABLE[table_name](official=official, **{**row, "review_state": "approved"})
                db.session.add(record)
                records.append(record)
        db.session.commit()
        first = records[0]
        material = make_material(official=official, record_table=first.__tablename__, record_id=first.id)
        make_material(official=official, material_class="2", title="学历证书")
        request = ChangeRequest(table_name=first.__tablename__, record_id=first.id, official_id=official.id,
                                proposed='{"post": "处长"}', original="{}", review_state="submitted")
        db.session.add(request)
        db.session.flush()
        # One rule in force per class: the dossiers of a test share it.
        rule = db.session.scalar(select(RetentionRule).where(RetentionRule.scope == "class", RetentionRule.key == "1",
                                                             RetentionRule.state == "active")) \
            or RetentionRule(scope="class", key="1", period_years=10, state="active", reason="十年",
                             proposed_by_id=users["archivist"].id)
        grant = Consultation(applicant_id=users["clerk"].id, official_id=official.id, purpose="干部考察",
                             sections="material", valid_from=date.today(), valid_until=date.today() + timedelta(days=7),
                             state="approved")
        db.session.add_all([rule, grant])
        db.session.flush()
        db.session.add_all([
            ReviewDecision(item_table="change_request", item_id=request.id, record_table=first.__tablename__,
                           record_id=first.id, action="submit", from_state="draft", to_state="submitted",
                           actor_id=users["clerk"].id),
            ReviewDecision(item_table="material", item_id=material.id, record_table="material", record_id=material.id,
                           action="final_reject", from_state="first_approved", to_state="draft",
                           reason="扫描件不清晰", actor_id=users["hr_reviewer"].id),
            CollectionReceipt(official_id=official.id, section_key="material", provider="市委组织部",
                              received_on=date.today() - timedelta(days=3), entered_by_id=users["clerk"].id),
            ConsultationReading(consultation_id=grant.id, user_id=users["clerk"].id, section_key="material",
                                material_id=material.id),
            CompletenessConfirmation(official_id=official.id, section_key="reward", confirmed_by_id=users["hr_reviewer"].id),
            AppraisalMark(official_id=official.id, table_name="material", record_id=material.id, reason="duplicate",
                          review_state="approved"),
            RetentionDue(official_id=official.id, table_name="material", record_id=material.id, material_class="1",
                         rule_id=rule.id, due_on=date.today()),
            Quarantine(stored_sha256=material.stored_sha256, material_id=material.id, official_id=official.id,
                       signature="Eicar-Test-Signature"),
        ])
        db.session.commit()
        return official

    return _make
