"""``flask dossier demo``: the demonstration scenario on top of the seeded dossiers.

Every role's screens need something to show on a fresh demo: documents with their scans in
the catalogue, drafts, items in both review queues, overdue receipts and entries, a
consultation at each stage and a permission request (the items of ``models.demo``), and a
backup target under the instance folder so that "back up now" and the restore tests work
at once. Each item is filed through the rules the screens use (the attachment store with
its checks, the review workflow, the consultation and approval rules), by the demo account
a user would file it with, and only if it is not there yet: running it again adds nothing.
The scans are small real PDFs with Chinese text, printed as the product prints (fpdf2, the
CJK font ``jobs.printing`` finds), a handful in all, so the run takes seconds.
"""

import io
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pikepdf
from flask import current_app
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlalchemy import select

from models import CollectionReceipt, Consultation, Department, Material, Official, PermissionRequest, workflow
from models.db import db
from models.demo import (
    COLLEAGUE, DEMO_CONSULTATIONS, DEMO_DEPARTMENT_REQUEST, DEMO_MATERIALS, DEMO_RECEIPTS, SELF, DemoMaterial,
)
from models.storage import attachments
from security import approvals, audit, consultation

from .backup import runs
from .printing import COLLECTION_SC, FONT, FONT_DIR, FontMissing

# The backup target bin/demo configures: <instance>/backups (DOSSIER_BACKUP_TARGETS).
DEMO_TARGET = "backups"
ACCOUNTS = ("clerk", "dept_head", "hr_reviewer", "official", "sysadmin")
# The moves that bring a new draft to each stage, and who makes each (the author submits).
STAGES = {
    "draft": (),
    "submitted": (("submit", None),),
    "first_approved": (("submit", None), ("first_approve", "dept_head")),
    "approved": (("submit", None), ("first_approve", "dept_head"), ("final_approve", "hr_reviewer")),
}


class DemoError(RuntimeError):
    pass


class _Scans(FPDF):
    """The demo's scans as one A4 printout, a document after another, in the regular CJK face
    alone: the font is read and subset once (seconds), not once per document and face."""

    def __init__(self):
        super().__init__(unit="mm", format="A4")
        regular = FONT_DIR / "NotoSansCJK-Regular.ttc"
        if not regular.exists():
            raise FontMissing(f"CJK font not found at {regular}: install fonts-noto-cjk")
        self.add_font(FONT, fname=str(regular), collection_font_number=COLLECTION_SC)
        self.set_creator("dossier demo")
        self.set_font(FONT, size=11)

    def scan_page(self, title: str, lines: list[str]) -> None:
        self.add_page()
        self.set_font_size(16)
        self.cell(0, 12, title, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font_size(11)
        for line in lines:
            self.multi_cell(0, 7, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def scans(documents: list[tuple[DemoMaterial, Official]]) -> list[bytes]:
    """A small real PDF for each (item, official), standing for the scan of a paper document
    with one page per page of it: printed together, then split (pikepdf)."""
    pdf = _Scans()
    for item, official in documents:
        for page in range(item.pages):
            pdf.scan_page(item.title, [f"姓名：{official.name}", f"形成单位：{item.forming_unit}",
                                       f"第 {page + 1} 页，共 {item.pages} 页",
                                       "演示扫描件：由系统生成，不是真实档案材料。"])
    printed = pikepdf.open(io.BytesIO(bytes(pdf.output())))
    files, start = [], 0
    for item, _official in documents:
        single = pikepdf.new()
        single.pages.extend(printed.pages[start:start + item.pages])
        start += item.pages
        buffer = io.BytesIO()
        single.save(buffer)
        files.append(buffer.getvalue())
    return files


def ensure_backup_targets() -> list[str]:
    """Create the configured targets that lie under the instance folder (the demo's own); a
    target elsewhere is a medium to mount, never made here. Returns those created."""
    instance = Path(current_app.instance_path).resolve()
    made = []
    for target in runs.targets():
        path = Path(target).resolve()
        if path.is_relative_to(instance) and not path.is_dir():
            path.mkdir(parents=True)
            made.append(str(path))
    return made


def _accounts() -> dict:
    sm = current_app.appbuilder.sm
    users = {name: sm.find_user(username=name) for name in ACCOUNTS}
    missing = sorted(name for name, user in users.items() if user is None)
    if missing:
        raise DemoError(f"demo accounts missing ({', '.join(missing)}): run `flask dossier seed` first")
    return users


def _officials(users) -> dict:
    """The `official` account's own dossier and a colleague's in the same department."""
    me = db.session.scalar(select(Official).where(Official.account_id == users["official"].id))
    if me is None:
        raise DemoError("no official is linked to the `official` account: run `flask dossier seed` first")
    colleague = db.session.scalar(select(Official).where(
        Official.department_id == me.department_id, Official.id != me.id, Official.account_id.is_(None),
        Official.status == "1").order_by(Official.id).limit(1))
    if colleague is None:
        raise DemoError("the demo department holds no other official: seed more officials")
    return {SELF: me, COLLEAGUE: colleague}


def _missing_materials(officials) -> list[tuple[DemoMaterial, Official]]:
    """The scenario's documents not filed yet (a title is filed once per dossier)."""
    filed = set(db.session.execute(select(Material.official_id, Material.title).where(
        Material.official_id.in_([o.id for o in officials.values()])).execution_options(include_pending=True)))
    return [(item, officials[item.whose]) for item in DEMO_MATERIALS
            if (officials[item.whose].id, item.title) not in filed]


def _material(item: DemoMaterial, official: Official, content: bytes, users: dict, today: date) -> None:
    """File the document as its author would (the store's checks and scan), then move it
    through review to its stage by the workflow's own rules."""
    author = users[item.author]
    stored = attachments.put(io.BytesIO(content), official.id, db.session)
    material = Material(
        official=official, material_class=item.material_class, title=item.title, forming_unit=item.forming_unit,
        formed_on=today.replace(year=today.year - item.years_ago, day=1), page_count=stored.page_count,
        media_type=stored.format.media_type, size=stored.size, content_sha256=stored.content_sha256,
        stored_sha256=stored.stored_sha256, file_key_id=stored.file_key_id, file_name=f"{item.title}.pdf",
        source_channel="self" if item.author == "official" else "hr",
        received_on=today - timedelta(days=item.received_days_ago),
        review_state=workflow.DRAFT, entered_by_id=author.id, changed_by_id=author.id,
    )
    db.session.add(material)
    db.session.flush()
    for action, actor in STAGES[item.stage]:
        workflow.perform(db.session, users[actor] if actor else author, material, action)
        db.session.flush()


def _receipt(whose, section, provider, days_ago, officials, users, today) -> int:
    official = officials[whose]
    exists = db.session.scalar(select(CollectionReceipt.id).where(
        CollectionReceipt.official_id == official.id, CollectionReceipt.section_key == section,
        CollectionReceipt.provider == provider))
    if exists is not None:
        return 0
    received = today - timedelta(days=days_ago)
    db.session.add(CollectionReceipt(official=official, section_key=section, source_channel="department",
                                     provider=provider, received_on=received,
                                     description="演示：待录入的收集登记", entered_by_id=users["clerk"].id,
                                     changed_by_id=users["clerk"].id))
    return 1


def _consultation(purpose, sections, department_decided, officials, users, today) -> int:
    clerk = users["clerk"]
    if db.session.scalar(select(Consultation.id).where(Consultation.applicant_id == clerk.id,
                                                       Consultation.purpose == purpose)) is not None:
        return 0
    official = officials[COLLEAGUE]
    until = today + timedelta(days=13)
    problems = consultation.application_problems(db.session, clerk, official, list(sections), purpose, today, until)
    if problems:
        raise DemoError("; ".join(problems))
    application = Consultation(applicant_id=clerk.id, official_id=official.id, sections=",".join(sections),
                               purpose=purpose, valid_from=today, valid_until=until, state="submitted")
    db.session.add(application)
    db.session.flush()
    audit.record("consultation_applied", object_type="consultation", object_id=application.id, actor=clerk,
                 details={"official": official.id, "sections": list(sections)})
    if department_decided:
        consultation.decide(db.session, users["dept_head"], application, True)
    return 1


def _permission_request(users) -> int:
    username, code = DEMO_DEPARTMENT_REQUEST
    sm = current_app.appbuilder.sm
    target = sm.find_user(username=username)
    if db.session.scalar(select(PermissionRequest.id).where(
            PermissionRequest.kind == "user_departments", PermissionRequest.target_id == target.id,
            PermissionRequest.requested_by_id == users["sysadmin"].id)) is not None:
        return 0
    before = approvals.departments_of_user(db.session, target.id)
    wanted = db.session.scalar(select(Department).where(Department.code == code))
    if wanted is None or wanted in before:
        return 0
    approvals.propose(sm, db.session, "user_departments", target, before, [*before, wanted], users["sysadmin"])
    return 1


def populate(today: date | None = None) -> Counter:
    """File every item of the scenario that is not there yet; what was added, by kind."""
    today = today or date.today()
    users = _accounts()
    officials = _officials(users)
    added = Counter(backup_targets=len(ensure_backup_targets()))
    try:
        missing = _missing_materials(officials)
        for (item, official), content in zip(missing, scans(missing) if missing else []):
            _material(item, official, content, users, today)
        added["materials"] = len(missing)
        for whose, section, provider, days_ago in DEMO_RECEIPTS:
            added["receipts"] += _receipt(whose, section, provider, days_ago, officials, users, today)
        for purpose, sections, decided in DEMO_CONSULTATIONS:
            added["consultations"] += _consultation(purpose, sections, decided, officials, users, today)
        added["permission_requests"] += _permission_request(users)
        db.session.commit()
    except BaseException:
        # Files stored for items that are not kept go with the rollback (models.storage).
        db.session.rollback()
        raise
    return added
