"""Field labels, in the terms of the regulation. One place for every screen and message.

``LABELS`` is the vocabulary shared by the sections (dates, units, titles...); a
section's own field is labelled on its column (``info={"label": _l("…")}``), so a new
section brings its terms with it.
"""

from flask_babel import lazy_gettext as _l

LABELS = {
    "name": _l("Full name"),
    "gender": _l("Gender"),
    "birth_date": _l("Date of birth"),
    "ethnicity": _l("Ethnicity"),
    "native_place": _l("Native place"),
    "political_status": _l("Political status"),
    "education": _l("Education"),
    "degree": _l("Degree"),
    "work_start_date": _l("Date started work"),
    "party_join_date": _l("Date joined the party"),
    "citizen_id": _l("Citizen ID number"),
    "department": _l("Department"),
    "department_id": _l("Department"),
    "post": _l("Post"),
    "post_level": _l("Post level"),
    "former_names": _l("Former names"),
    "parent": _l("Parent department"),
    "parent_id": _l("Parent department"),
    "status": _l("Status"),
    "left_on": _l("Date left"),
    "office_phone": _l("Office phone"),
    "mobile": _l("Mobile phone"),
    "email": _l("E-mail"),
    "account": _l("Login account"),
    "official": _l("Official"),
    "source_channel": _l("Source channel"),
    "source_department": _l("Providing department"),
    "received_on": _l("Date received"),
    # The collection-register entry a record was entered from (models.base.SourceMixin).
    "receipt": _l("Collection-register entry"),
    "receipt_id": _l("Collection-register entry"),
    "review_state": _l("Review state"),
    "entered_by": _l("Entered by"),
    "entered_at": _l("Entered at"),
    "changed_by": _l("Last changed by"),
    "changed_at": _l("Last changed at"),
    "unit": _l("Unit"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "school": _l("School"),
    "major": _l("Major"),
    "graduation_date": _l("Graduation date"),
    "year": _l("Year"),
    "grade": _l("Grade"),
    "comments": _l("Comments"),
    "project": _l("Project or key work"),
    "result": _l("Result"),
    "assessed_on": _l("Date assessed"),
    "place": _l("Place"),
    "institution": _l("Institution"),
    "hours": _l("Hours"),
    "training": _l("Training programme"),
    "certificate": _l("Certificate"),
    "certificate_no": _l("Certificate number"),
    "summary": _l("Summary"),
    "obtained_on": _l("Date obtained"),
    "title": _l("Title"),
    "granting_body": _l("Granting body"),
    "granted_on": _l("Date granted"),
    "level": _l("Level"),
    "kind": _l("Kind"),
    "reason": _l("Reason"),
    "deciding_body": _l("Deciding body"),
    "decided_on": _l("Date decided"),
    "period_months": _l("Period (months)"),
    "ends_on": _l("Date ends"),
    "period": _l("Period covered"),
    "submitted_on": _l("Date submitted"),
    "risk_point": _l("Risk point"),
    "controls": _l("Control measures"),
    "identified_on": _l("Date identified"),
    "occurred_on": _l("Date occurred"),
    "description": _l("Description"),
    "handling": _l("Handling"),
    "handled_on": _l("Date handled"),
    "content": _l("Content"),
    "reported_on": _l("Date reported"),
    "achieved_on": _l("Date achieved"),
    "code": _l("Code"),
    "is_hr": _l("Organisation/HR department"),
    "table_name": _l("Code table"),
    "name_zh_hant": _l("Name (Traditional Chinese)"),
    "name_en": _l("Name (English)"),
    "sort_order": _l("Order"),
    "material_class": _l("Class"),
    "sequence": _l("No."),
    "formed_on": _l("Date formed"),
    "forming_unit": _l("Forming unit"),
    "page_count": _l("Pages"),
    "record": _l("Belongs to"),
    "media_type": _l("File type"),
    "size": _l("Size (bytes)"),
    "file_name": _l("File name"),
    "content_sha256": _l("SHA-256 of the document"),
    "stored_sha256": _l("SHA-256 of the stored file"),
    "upload": _l("File"),
    # Derived roster columns (models.roster_fields).
    "age": _l("Age"),
    "party_member": _l("Party member"),
    "post_since": _l("In current post since"),
    "years_in_post": _l("Years in post"),
    "current_post_level": _l("Current post level"),
    "highest_education": _l("Highest education"),
    "highest_degree": _l("Highest degree"),
    "latest_grade": _l("Latest annual assessment grade"),
    "latest_assessment_year": _l("Year of the latest assessment"),
    "sanction_in_force": _l("Sanction in force"),
    "reward_count": _l("Rewards"),
    "training_hours": _l("Training hours"),
    "training_count": _l("Training programmes"),
}



def label(field: str, model=None) -> str:
    return str(labels_of(model).get(field, field)) if model is not None else str(LABELS.get(field, field))


def labels_of(model) -> dict:
    """Every label of ``model``'s screens: the shared terms, then its columns' own."""
    own = {c.key: c.info["label"] for c in model.__table__.columns if "label" in c.info}
    # A sensitive field is shown under its attribute's name (models.encryption.Sensitive).
    own.update({c.info["plain"]: c.info["label"] for c in model.__table__.columns
                if "label" in c.info and "plain" in c.info})
    return {**LABELS, **own}
