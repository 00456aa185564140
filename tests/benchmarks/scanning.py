"""Upload throughput with virus scanning and content validation, beside the same
bytes scanned by clamd alone and beside the upload without scanning or validation."""

import os
from contextlib import contextmanager

from .measure import Figure, best_seconds, throughput_figure

MIB = 1024 * 1024


@contextmanager
def without_scanning():
    """The upload path as it was before scanning: type by the first bytes, pages counted."""
    from models.storage import attachments

    checked = attachments.check

    def type_only(source):
        fmt = attachments.inspect(source)
        return attachments.Checked(fmt, fmt.pages(source))

    attachments.check = type_only
    try:
        yield
    finally:
        attachments.check = checked


def upload_scanning(app, workdir, files: int, size: int, rounds: int, official_id: int, client) -> list[Figure]:
    from models.storage import attachments
    from tests import documents

    source = workdir / "scan-upload.pdf"
    source.write_bytes(documents.padded_pdf(size))
    megabytes = files * size / 1e6
    sequence = iter(range(10 ** 9))

    def upload():
        for _ in range(files):
            with open(source, "rb") as reader:
                response = client.post(
                    f"/materialview/add?_flt_0_official={official_id}", content_type="multipart/form-data",
                    data={"official": str(official_id), "material_class": "10", "title": f"扫描基准{next(sequence)}",
                          "formed_on": "2020-01-01", "forming_unit": "基准测试", "page_count": "",
                          "source_channel": "hr", "received_on": "", "upload": (reader, "scan.pdf")})
            assert response.status_code == 302, response.status_code

    with app.app_context():
        scanner = attachments.scanner_client()

        def scan_alone():
            for _ in range(files):
                with open(source, "rb") as reader:
                    assert scanner.scan_file(reader).clean

        scan_rate = megabytes / best_seconds(scan_alone, rounds)
    scanned_rate = megabytes / best_seconds(upload, rounds)
    with without_scanning():
        unscanned_rate = megabytes / best_seconds(upload, rounds)
    os.unlink(source)
    size_note = f"{files} × {size / MIB:.0f} MiB PDF"
    scanned = throughput_figure("upload with scanning and validation vs clamd scanning the same bytes alone", "MB/s",
                                scanned_rate, scan_rate)
    before = throughput_figure("upload with scanning and validation vs the upload without them", "MB/s",
                               scanned_rate, unscanned_rate)
    scanned.note = before.note = size_note
    return [scanned, before]
