"""screen permissions named by the section key or the menu name, not by the Python class

FAB names a view's permissions after its class (``TrainingView``) unless the view sets
``class_permission_name``; every screen of the product now sets it: a section's screen
its section key (``training``), the others their menu item's name (``consultation``),
so renaming a class can never drop a grant. Existing grants move to the new name: each
permission-view keeps its id, so role grants and pending permission requests (which
hold those ids) stay as they were.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# Frozen: the screens as they were when the names changed.
RENAMES = {
    'OfficialView': 'basic', 'WorkExperienceView': 'work_experience', 'EducationView': 'education',
    'AnnualAssessmentView': 'annual_assessment', 'SpecialAssessmentView': 'special_assessment',
    'TrainingView': 'training', 'TrainingOutcomeView': 'training_outcome', 'RewardView': 'reward',
    'SanctionView': 'sanction', 'IntegrityReportView': 'integrity_report', 'IntegrityRiskView': 'integrity_risk',
    'ViolationRecordView': 'violation_record', 'DutyReportView': 'duty_report',
    'PersonalMatterReportView': 'personal_matter_report', 'AchievementView': 'achievement',
    'MaterialView': 'material',
    'DepartmentView': 'departments', 'ConsultationView': 'consultation', 'ReceiptView': 'collection_register',
    'PermissionRequestView': 'permission_requests', 'StaffDepartmentView': 'staff_departments',
    'CodeItemView': 'code_tables', 'MyDraftsView': 'my_drafts', 'MyDossierView': 'my_dossier',
    'HistoryView': 'history', 'FirstReviewView': 'first_review', 'FinalReviewView': 'final_review',
    'BatchAssessmentView': 'batch_assessment', 'BackupView': 'backups', 'BacklogView': 'backlog',
    'AuditEventView': 'audit_trail', 'AntivirusView': 'antivirus', 'AccountSecurityView': 'account_security',
}

view_menu = sa.table('ab_view_menu', sa.column('id', sa.Integer), sa.column('name', sa.String))
permission_view = sa.table('ab_permission_view', sa.column('id', sa.Integer),
                           sa.column('permission_id', sa.Integer), sa.column('view_menu_id', sa.Integer))
permission_view_role = sa.table('ab_permission_view_role', sa.column('id', sa.Integer),
                                sa.column('permission_view_id', sa.Integer), sa.column('role_id', sa.Integer))
request = sa.table('permission_request', sa.column('id', sa.Integer), sa.column('before', sa.Text),
                   sa.column('proposed', sa.Text))


def _id(conn, name):
    return conn.scalar(sa.select(view_menu.c.id).where(view_menu.c.name == name))


def _replace_in_requests(conn, old_pv, new_pv):
    import json

    for row in conn.execute(sa.select(request.c.id, request.c.before, request.c.proposed)):
        values = {key: json.dumps(sorted({new_pv if i == old_pv else i for i in json.loads(getattr(row, key))}))
                  for key in ('before', 'proposed') if old_pv in json.loads(getattr(row, key))}
        if values:
            conn.execute(request.update().where(request.c.id == row.id).values(**values))


def _move(conn, source, target, keep=lambda permission_id: True):
    """Move the permission-views of view menu ``source`` to ``target``, ids kept where possible."""
    for pv in conn.execute(sa.select(permission_view).where(permission_view.c.view_menu_id == source)).all():
        if not keep(pv.permission_id):
            continue
        twin = conn.scalar(sa.select(permission_view.c.id).where(
            permission_view.c.permission_id == pv.permission_id, permission_view.c.view_menu_id == target))
        if twin is None:
            conn.execute(permission_view.update().where(permission_view.c.id == pv.id).values(view_menu_id=target))
            continue
        # The same permission on both names: grants and requests go to the one kept.
        held = set(conn.scalars(sa.select(permission_view_role.c.role_id)
                                .where(permission_view_role.c.permission_view_id == twin)))
        for grant in conn.execute(sa.select(permission_view_role)
                                  .where(permission_view_role.c.permission_view_id == pv.id)).all():
            if grant.role_id in held:
                conn.execute(permission_view_role.delete().where(permission_view_role.c.id == grant.id))
            else:
                conn.execute(permission_view_role.update().where(permission_view_role.c.id == grant.id)
                             .values(permission_view_id=twin))
        _replace_in_requests(conn, pv.id, twin)
        conn.execute(permission_view.delete().where(permission_view.c.id == pv.id))


def _rename(conn, old, new, keep=lambda permission_id: True):
    source = _id(conn, old)
    if source is None:
        return
    target = _id(conn, new)
    if target is None:
        conn.execute(view_menu.insert().values(name=new))
        target = _id(conn, new)
    _move(conn, source, target, keep)
    if conn.scalar(sa.select(sa.func.count()).select_from(permission_view)
                   .where(permission_view.c.view_menu_id == source)) == 0:
        conn.execute(view_menu.delete().where(view_menu.c.id == source))


def upgrade():
    conn = op.get_bind()
    for old, new in RENAMES.items():
        _rename(conn, old, new)


def downgrade():
    conn = op.get_bind()
    menu_access = conn.scalar(sa.text("SELECT id FROM ab_permission WHERE name = 'menu_access'"))
    for old, new in RENAMES.items():
        # The menu item keeps its menu_access; the screen's permissions go back to the class name.
        _rename(conn, new, old, keep=lambda permission_id: permission_id != menu_access)
