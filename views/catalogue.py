"""Attachments and the material catalogue (材料目录): upload, catalogue page, preview, download.

Filing a document is entering a record like any other (a draft that goes
through review); its file is checked by content, encrypted and stored on the
way in (``models.storage.attachments``). Every read of a file or of a catalogue is an
audit event; a file that no longer matches its fingerprint is refused, never served.
"""

from datetime import datetime
from urllib.parse import quote

from flask import Response, abort, current_app, g, request, stream_with_context, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf.file import FileField
from flask_appbuilder.models.filters import BaseFilter
from sqlalchemy import or_, select
from werkzeug.datastructures import FileStorage
from wtforms.validators import StopValidation

from models.db import db
from models import BY_TABLE, SECTIONS, Material, Official, codes, reading, workflow
from models.catalogue import class_order
from models.labels import LABELS
from security import audit, request_state, scope
from models.storage import attachments, formats

from .base import DossierInterface, RecordView, metadata_attrs
from .dossier import ENTRY_COLUMNS, SOURCE_COLUMNS
from .params import MAX_ID

ENTRY_FIELDS = ["material_class", "title", "formed_on", "forming_unit", "page_count"]
FILE_COLUMNS = ["file_name", "media_type", "size", "content_sha256", "stored_sha256"]
_SECTION_TABLES = {model.__tablename__ for model in SECTIONS}


class UploadCheck:
    """The file is there, free of malware and a usable document of an accepted format
    (models.storage.attachments.check); nothing is stored yet."""

    def __call__(self, form, field):
        upload = field.data
        if not isinstance(upload, FileStorage) or not upload.filename:
            raise StopValidation(_("Choose the file to file."))
        try:
            attachments.check(upload.stream)
        except attachments.AttachmentError as error:
            raise StopValidation(error.message)


def closed_to_reader() -> tuple[frozenset, frozenset]:
    """(material classes, section tables) the signed-in user may not read, worked out once
    per request: the catalogue, lists and file routes all ask it."""
    state = request_state.current()
    if state.closed_materials is None:
        # The one read rule (models.reading), narrowed to the sections a material can belong to.
        classes, tables = reading.closed_to(g.user)
        state.closed_materials = (classes, tables & {model.__tablename__ for model in SECTIONS})
    return state.closed_materials


def may_read(material) -> bool:
    """Catalogue readers see a material unless its section, or its class, is closed to them."""
    classes, tables = closed_to_reader()
    return material.material_class not in classes and material.record_table not in tables


class ReadableMaterials(BaseFilter):
    """Base filter of the material screens: the rule of ``may_read`` in SQL, so documents of
    closed sections or classes are not listed, shown or edited either."""

    name = "readable"
    arg_name = "readable"

    def apply(self, query, value):
        classes, tables = closed_to_reader()
        if classes:
            query = query.filter(Material.material_class.notin_(classes))
        if tables:
            query = query.filter(or_(Material.record_table.is_(None), Material.record_table.notin_(tables)))
        return query


def readable(pk: int) -> Material:
    """The material ``pk`` if the signed-in user may open its file, else 404."""
    scope.guard(Material, pk)
    material = db.session.get(Material, pk, execution_options={"include_pending": True})
    if material is None:
        abort(404)
    if not workflow.may_open(db.session, g.user, material):
        abort(404)
    if not may_read(material):
        abort(404)
    return material


def linked_record(official_id):
    """The section record named by ``?record=table:id``, which must belong to the same official."""
    key = request.args.get("record")
    if not key:
        return None, None
    table, _sep, raw_id = key.partition(":")
    record = None
    if table in _SECTION_TABLES and raw_id.isdigit() and int(raw_id) <= MAX_ID:
        record = db.session.get(BY_TABLE[table], int(raw_id), execution_options={"include_pending": True})
    if record is None or record.official_id != official_id:
        raise workflow.WorkflowError("wrong_record",
                                     _("The record to attach this file to does not exist in this official's dossier."))
    return table, record.id


def content_disposition(kind: str, name: str) -> str:
    ascii_name = name.encode("ascii", "ignore").decode() or "document"
    ascii_name = ascii_name.replace('"', "")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def file_upload(item: Material, upload) -> attachments.StoredFile:
    """Store a new material's uploaded file and fill in its file columns: the record it supports
    (``?record=table:id``, the same official's), then the file checked, scanned, encrypted and
    stored (``models.storage.attachments.put``), removed again if the transaction rolls back.
    Every channel filing a document comes through here (the clerk's form, self-service)."""
    with db.session.no_autoflush:
        item.record_table, item.record_id = linked_record(getattr(item.official, "id", None))
        stored = attachments.put(upload.stream, item.official.id, db.session)
    try:
        item.media_type = stored.format.media_type
        item.size = stored.size
        item.content_sha256 = stored.content_sha256
        item.stored_sha256 = stored.stored_sha256
        item.file_key_id = stored.file_key_id
        item.file_name = attachments.clean_name(upload.filename, stored.format)
        if not item.page_count:
            item.page_count = stored.page_count
    except BaseException:
        attachments.discard(stored.stored_sha256, stored.file_key_id)
        raise
    return stored


# A document shown in the browser runs no script of its own with the reader's session;
# an image document needs img-src to show itself.
DOCUMENT_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def document_response(body, media_type: str, disposition: str, policy: str = DOCUMENT_POLICY) -> Response:
    """A stored document as sent to a reader; no-store and nosniff come with every response
    (security.session_guard)."""
    response = Response(body, mimetype=media_type)
    response.headers["Content-Disposition"] = disposition
    response.headers["Content-Security-Policy"] = policy
    return response


class MaterialView(RecordView):
    datamodel = DossierInterface(Material)
    class_permission_name = Material.section_key
    list_title = _l("Materials")
    show_title = _l("Material")
    add_title = _l("File a document")
    edit_title = _l("Edit catalogue entry")

    list_columns = ["official", "material_class", "sequence", "title", "formed_on", "page_count", "review_state"]
    show_columns = ["official", *ENTRY_FIELDS[:1], "sequence", *ENTRY_FIELDS[1:], "record", *FILE_COLUMNS,
                    *SOURCE_COLUMNS, *ENTRY_COLUMNS]
    add_columns = ["official", *ENTRY_FIELDS, "upload", *SOURCE_COLUMNS]
    # The file itself never changes: a different document is a new material.
    edit_columns = [*ENTRY_FIELDS, *SOURCE_COLUMNS]
    # Not "official": its filter would offer every official in a select (see views.dossier).
    search_columns = ["material_class", "title", "formed_on", "forming_unit"]
    base_order = ("formed_on", "desc")
    base_filters = [["id", ReadableMaterials, None]]
    show_template = "dossier/material_show.html"
    extra_args = {"history_table": "material"}
    description_columns = {
        "page_count": _l("Leave empty to count the pages of a PDF, OFD or TIFF file."),
        "upload": _l("PDF, OFD, JPEG, PNG or TIFF; the type is read from the content."),
    }

    def pre_add(self, item):
        stored = file_upload(item, request.files.get("upload"))
        try:
            super().pre_add(item)
        except BaseException:
            attachments.discard(stored.stored_sha256, stored.file_key_id)
            raise

    def _write_failed(self, item):
        # A new material's file was stored before its row: a refused row must not leave it behind.
        from sqlalchemy import inspect

        stored = None if inspect(item).has_identity else (item.stored_sha256, item.file_key_id)
        super()._write_failed(item)
        if stored and stored[0]:
            attachments.discard(*stored)

    def post_delete(self, item):
        # Only a draft can be deleted (models.workflow.check_delete): its file was never filed,
        # and its key goes with it, so that no backup copy of the draft opens either.
        attachments.discard(item.stored_sha256, item.file_key_id)

    @expose("/download/<int:pk>")
    @has_access
    def download(self, pk):
        return self._serve(pk, inline=False)

    @expose("/preview/<int:pk>")
    @has_access
    def preview(self, pk):
        return self._serve(pk, inline=True)

    def _serve(self, pk, inline: bool):
        material = readable(pk)
        try:
            chunks = attachments.open_plaintext(material.stored_sha256, material.official_id, material.file_key_id)
        except attachments.AttachmentError as error:
            audit.record("file_refused", object_type="material", object_id=pk, details={"problem": error.code})
            db.session.commit()
            return self.render_template("dossier/file_refused.html", material=material, message=error.message), 409
        fmt = formats.by_media_type(material.media_type)
        inline = inline and fmt is not None and fmt.previewable
        audit.record("read_file", object_type="material", object_id=pk,
                     details={"mode": "preview" if inline else "download", "official": material.official_id})
        name = material.file_name if isinstance(material.file_name, str) else f"material-{pk}"
        media_type = material.media_type
        db.session.commit()
        response = document_response(stream_with_context(chunks), media_type,
                                     content_disposition("inline" if inline else "attachment", name))
        response.headers["Content-Length"] = str(material.size)
        return response

    @expose("/catalogue/<int:official_id>")
    @has_access
    def catalogue(self, official_id):
        scope.guard(Official, official_id)
        official = db.session.get(Official, official_id)
        if official is None:
            abort(404)
        materials = db.session.scalars(select(Material).where(Material.official_id == official_id)).all()
        shown = [m for m in materials if may_read(m)]
        order = class_order()
        groups = []
        for code in order:
            entries = sorted((m for m in shown if m.material_class == code), key=lambda m: m.sequence or 0)
            if entries:
                groups.append({"code": code, "name": codes.name("material_class", code), "materials": entries,
                               "pages": sum(m.page_count or 0 for m in entries)})
        audit.record("read", object_type="catalogue", object_id=official_id,
                     details={"print": bool(request.args.get("print"))})
        db.session.commit()
        template = "dossier/catalogue_print.html" if request.args.get("print") else "dossier/catalogue.html"
        return self.render_template(
            template, official=official, groups=groups, hidden=len(materials) - len(shown),
            total_pages=sum(group["pages"] for group in groups), total=len(shown),
            printed_at=datetime.now(), printed_by=g.user, labels=LABELS,
            can_add=self.appbuilder.sm.has_access("can_add", Material.section_key),
        )


def attached_to(table: str, record_id) -> dict:
    """For a section record's page: its approved materials the reader may open, and where to add one."""
    model = BY_TABLE.get(table)
    if model is None or table not in _SECTION_TABLES or not str(record_id).isdigit():
        return {"materials": [], "attach_url": None}
    record_id = int(record_id)
    materials = db.session.scalars(
        select(Material).where(Material.record_table == table, Material.record_id == record_id)
        .order_by(Material.material_class, Material.sequence)
    ).all()
    record = db.session.get(model, record_id, execution_options={"include_pending": True})
    attach_url = None
    if record is not None and current_app.appbuilder.sm.has_access("can_add", Material.section_key):
        attach_url = url_for("MaterialView.add", _flt_0_official=record.official_id, record=f"{table}:{record_id}")
    return {"materials": [m for m in materials if may_read(m)], "attach_url": attach_url}


def _add_upload_field(view) -> None:
    """The file field exists on the add form only."""
    attrs = metadata_attrs(Material)
    for name, value in attrs.items():
        setattr(view, name, value)
    view.add_form_extra_fields = {
        **attrs["add_form_extra_fields"],
        "upload": FileField(LABELS["upload"], validators=[UploadCheck()]),
    }


_add_upload_field(MaterialView)
