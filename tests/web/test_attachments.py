"""Scans attached to a dossier: content-checked, stored outside the web root under random names,
served only as downloads to those who may see the case, and every sensitive read logged."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from tests.web.helpers import audit_rows, counts, field_block, hidden_value, page
from workflow.extensions import db
from workflow.models import AccessLogEntry, Attachment, StoredFile

MiB = 1024 * 1024


def pdf_bytes(pad: int = 0) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if pad:
        writer.add_metadata({"/Subject": "x" * pad})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_of_size(size: int) -> bytes:
    """A valid PDF of exactly ``size`` bytes (the padding is a metadata string)."""
    pad = 1000
    for _ in range(5):  # the size grows by one byte per byte of padding, give or take offsets
        data = pdf_bytes(pad=pad)
        if len(data) == size:
            return data
        pad += size - len(data)
    raise AssertionError(f"could not build a PDF of {size} bytes")
    return data


def image_bytes(kind: str, size=(60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def png_flood(width: int, height: int) -> bytes:
    """A small PNG that declares a huge picture (a pixel flood): its size is known from the
    header before any pixel is decoded."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 1000)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


def post_multipart(client, url: str, data: dict):
    """POST a multipart form built in memory (the test client would spool a large body to a
    temporary file that it never closes)."""
    fields = {
        key: FileStorage(value[0], filename=value[1]) if isinstance(value, tuple) else value
        for key, value in data.items()
    }
    body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return client.post(
        url,
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def upload(client, case_id: int, data: bytes, filename: str, purpose: str = "application"):
    form = client.get(f"/cases/{case_id}/attachments/new")
    assert form.status_code == 200
    return post_multipart(
        client,
        f"/cases/{case_id}/attachments/new",
        {
            "csrf_token": hidden_value(page(form), "csrf_token"),
            "purpose": purpose,
            "file": (io.BytesIO(data), filename),
        },
    )


def stored_files(app) -> list[Path]:
    folder = Path(app.instance_path) / "attachments"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def stored_rows() -> list[StoredFile]:
    """The files kept in the database."""
    db.session.rollback()
    return list(db.session.scalars(select(StoredFile).order_by(StoredFile.key)))


def attachment_rows() -> list[Attachment]:
    db.session.rollback()
    return list(db.session.scalars(select(Attachment).order_by(Attachment.id)))


def reads(part: str | None = None) -> int:
    db.session.rollback()
    stmt = select(func.count()).select_from(AccessLogEntry)
    if part:
        stmt = stmt.where(AccessLogEntry.part == part)
    return db.session.scalar(stmt)


def test_scan_is_stored_under_random_name_and_downloaded_as_attachment_when_cell_uploads_pdf(
    app, world, login, storage
):
    case_id = world.new_candidate("C1")
    data = pdf_bytes()
    client = login("sec1")
    response = upload(client, case_id, data, "../../etc/Đơn xin vào Đảng.pdf")
    assert response.status_code == 302, page(response)[:2000]
    [row] = attachment_rows()
    assert (row.case_id, row.purpose, row.content_type, row.size) == (
        case_id,
        "application",
        "application/pdf",
        len(data),
    )
    assert row.original_name == "Đơn xin vào Đảng.pdf"
    assert len(row.stored_name) == 32
    if storage == "directory":
        [stored] = stored_files(app)
        assert stored.name == row.stored_name and "etc" not in str(stored)
        assert Path(app.static_folder) not in stored.parents
        assert stored.read_bytes() == data
        assert stored_rows() == []
    else:
        assert stored_files(app) == []
        [stored_row] = stored_rows()
        assert stored_row.key == f"attachments/{row.stored_name[:2]}/{row.stored_name}"
        assert stored_row.data == data and stored_row.sha256 == row.sha256
    [added] = audit_rows(action="attachment.added")
    assert added.subject_id == case_id
    detail = page(client.get(f"/cases/{case_id}"))
    assert "Đơn xin vào Đảng.pdf" in detail

    before_reads = reads("attachment")
    dept = login("dept")
    got = dept.get(f"/cases/{case_id}/attachments/{row.id}")
    assert got.status_code == 200
    assert got.data == data
    assert got.headers["Content-Length"] == str(len(data))
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in got.headers["Content-Disposition"]
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Cache-Control"] == "no-store"
    assert "sandbox" in got.headers["Content-Security-Policy"]
    assert reads("attachment") == before_reads + 1
    log = page(login("auditor").get(f"/admin/access-log?case={case_id}"))
    assert "Trần Thị Tổ Chức" in log and "Bản quét giấy tờ hồ sơ" in log


@pytest.mark.parametrize(
    ("kind", "filename"), [("PNG", "anh-the.png"), ("JPEG", "so-yeu.jpg"), ("JPEG", "scan")]
)
def test_image_scan_is_accepted_when_content_and_name_agree(app, world, login, kind, filename):
    case_id = world.new_candidate("C1")
    response = upload(login("sec1"), case_id, image_bytes(kind), filename, purpose="other")
    assert response.status_code == 302
    [row] = attachment_rows()
    assert row.content_type == f"image/{kind.lower()}"
    assert row.original_name.endswith(".png" if kind == "PNG" else ".jpg")


def test_scan_of_exactly_the_limit_is_accepted_when_uploaded(app, world, login):
    case_id = world.new_candidate("C1")
    response = upload(login("sec1"), case_id, pdf_of_size(10 * MiB), "lon.pdf")
    assert response.status_code == 302
    assert attachment_rows()[0].size == 10 * MiB


BAD_UPLOADS = (
    # (what is wrong, content, file name, purpose, message)
    ("empty file", b"", "trong.pdf", "application", "Chưa chọn tệp, hoặc tệp rỗng."),
    ("one byte over the limit", "over", "lon.pdf", "application", "Tệp lớn hơn 10 MB."),
    ("PNG named .pdf", "png", "ho_so.pdf", "application",
     "Tên tệp có đuôi .pdf nhưng nội dung là PNG"),
    ("HTML named .jpg", b"<html><script>alert(1)</script></html>", "anh.jpg", "application",
     "Chỉ nhận tệp PDF, JPEG hoặc PNG"),
    ("SVG with a script", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
     b"</svg>", "so-do.svg", "application", "Chỉ nhận tệp PDF, JPEG hoặc PNG"),
    ("HTML page", b"<!doctype html><title>x</title>", "trang.html", "application",
     "Chỉ nhận tệp PDF, JPEG hoặc PNG"),
    ("PDF with an executable name", "pdf", "x.pdf.exe", "application", "Không nhận tệp .exe"),
    ("polyglot PDF and HTML", b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>",
     "polyglot.pdf", "application", "Tệp PDF bị hỏng hoặc không đọc được."),
    ("PDF with JavaScript", "pdf-js", "don.pdf", "application",
     "Tệp PDF chứa mã lệnh hoặc tệp nhúng"),
    ("JavaScript behind escaped names", "pdf-js-escaped", "don.pdf", "application",
     "Tệp PDF chứa mã lệnh hoặc tệp nhúng"),
    ("script in a hex string", "pdf-js-hex", "don.pdf", "application",
     "Tệp PDF chứa mã lệnh hoặc tệp nhúng"),
    ("program launch behind an escaped name", "pdf-launch", "don.pdf", "application",
     "Tệp PDF chứa mã lệnh hoặc tệp nhúng"),
    ("JavaScript in a compressed object stream", "pdf-js-objstm", "don.pdf", "application",
     "Tệp PDF chứa mã lệnh hoặc tệp nhúng"),
    ("embedded file", "pdf-embedded", "don.pdf", "application",
     "Tệp PDF chứa mã lệnh hoặc tệp nhúng"),
    ("truncated PNG", "png-cut", "anh.png", "application", "Tệp ảnh bị hỏng hoặc không đọc được."),
    ("pixel flood", "flood", "anh.png", "application", "Ảnh quá lớn (quá 60 triệu điểm ảnh)"),
    ("no paper chosen", "pdf", "don.pdf", "", "Chọn giấy tờ mà bản quét thể hiện."),
    ("paper of another procedure", "pdf", "don.pdf", "self_review",
     "Chọn giấy tờ mà bản quét thể hiện."),
)  # fmt: skip


#: one page, and the catalogue opening with object 4 (the action each hostile file defines)
_CATALOG = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>"
_PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"
#: the same action, spelled so that no raw byte string of it gives it away
HOSTILE_ACTIONS = {
    "pdf-js-escaped": b"<< /Type /Action /S /J#61vaScript /J#53 (app.alert(1)) >>",
    "pdf-js-hex": b"<< /Type /Action /S /J#61vaScript /JS<6170702e616c657274283129> >>",
    "pdf-launch": b"<< /Type /Action /S /L#61unch /F (calc.exe) >>",
}


def handmade_pdf(objects: list[bytes]) -> bytes:
    """A PDF written byte by byte: objects 1.. and a classic cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def object_stream_pdf() -> bytes:
    """The JavaScript action compressed inside an object stream, found through a compressed
    cross-reference stream (PDF 1.5): the raw file shows none of its words."""
    action = b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>"
    packed = zlib.compress(b"4 0 " + action)
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    offsets = []
    for number, body in enumerate((_CATALOG, _PAGES, _PAGE), start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    stream_at = out.tell()
    out.write(
        b"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\n"
        b"stream\n%s\nendstream\nendobj\n" % (len(packed), packed)
    )
    xref_at = out.tell()
    rows = b"\x00" + struct.pack(">IH", 0, 65535)
    rows += b"".join(b"\x01" + struct.pack(">IH", o, 0) for o in offsets)
    rows += b"\x02" + struct.pack(">IH", 5, 0)  # object 4: first in stream 5
    rows += b"\x01" + struct.pack(">IH", stream_at, 0)
    rows += b"\x01" + struct.pack(">IH", xref_at, 0)
    table = zlib.compress(rows)
    out.write(
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode "
        b"/Length %d >>\nstream\n%s\nendstream\nendobj\n" % (len(table), table)
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref_at)
    return out.getvalue()


def _content(spec) -> bytes:
    if isinstance(spec, bytes):
        return spec
    if spec in HOSTILE_ACTIONS:
        return handmade_pdf([_CATALOG, _PAGES, _PAGE, HOSTILE_ACTIONS[spec]])
    if spec == "pdf-js-objstm":
        return object_stream_pdf()
    if spec == "pdf-embedded":
        writer = PdfWriter()
        writer.add_blank_page(width=100, height=100)
        writer.add_attachment("readme.txt", b"hello")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    if spec == "over":
        return pdf_of_size(10 * MiB + 1)
    if spec == "png":
        return image_bytes("PNG")
    if spec == "png-cut":
        return image_bytes("PNG", (400, 300))[:200]
    if spec == "flood":
        return png_flood(30000, 30000)
    if spec == "pdf-js":
        writer = PdfWriter()
        writer.add_blank_page(width=100, height=100)
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
        )
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    return pdf_bytes()


def test_bad_upload_is_refused_with_message_and_nothing_is_stored(app, world, login, subtests):
    case_id = world.new_candidate("C1")
    client = login("sec1")
    before = counts()
    for label, content, filename, purpose, message in BAD_UPLOADS:
        with subtests.test(msg=label):
            response = upload(client, case_id, _content(content), filename, purpose)
            assert response.status_code == 422
            field = "purpose" if message.startswith("Chọn giấy tờ") else "file"
            assert message in field_block(page(response), field)
            assert counts() == before
            assert attachment_rows() == []
            assert stored_files(app) == []


def test_body_over_the_request_cap_is_refused_with_413_when_uploaded(app, world, login):
    case_id = world.new_candidate("C1")
    client = login("sec1")
    response = post_multipart(
        client,
        f"/cases/{case_id}/attachments/new",
        {"purpose": "application", "file": (io.BytesIO(b"%PDF-" + b"0" * 13 * MiB), "x.pdf")},
    )
    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn" in page(response)
    assert attachment_rows() == [] and stored_files(app) == []


def test_file_is_deleted_when_the_transaction_fails_after_it_was_written(
    app, world, login, monkeypatch, storage
):
    from workflow.store import audit

    case_id = world.new_candidate("C1")
    client = login("sec1")

    def broken(**_kwargs):
        raise RuntimeError("disk full while writing the audit row")

    monkeypatch.setattr(audit, "append", broken)
    response = upload(client, case_id, pdf_bytes(), "don.pdf")
    assert response.status_code == 500
    assert attachment_rows() == []
    assert stored_files(app) == [] and stored_rows() == []


def test_other_cell_gets_404_and_viewers_cannot_upload_when_they_try(app, world, login):
    case_id = world.new_candidate("C1")
    upload(login("sec1"), case_id, pdf_bytes(), "don.pdf")
    [row] = attachment_rows()
    other = login("sec2")
    assert other.get(f"/cases/{case_id}/attachments/new").status_code == 404
    assert other.get(f"/cases/{case_id}/attachments/{row.id}").status_code == 404
    assert other.post(f"/cases/{case_id}/attachments/{row.id}/remove").status_code == 404
    signer = login("signer")
    assert signer.get(f"/cases/{case_id}/attachments/new").status_code == 403
    assert signer.get(f"/cases/{case_id}/attachments/{row.id}").status_code == 200
    assert login("inspector").get(f"/cases/{case_id}/attachments/{row.id}").status_code == 200
    # an attachment reached through another case's URL does not exist
    second = world.new_candidate("C1")
    assert login("dept").get(f"/cases/{second}/attachments/{row.id}").status_code == 404
    assert [a.removed_at for a in attachment_rows()] == [None]


def test_scan_leaves_the_checklist_but_stays_audited_when_uploader_removes_it(app, world, login):
    case_id = world.new_candidate("C1")
    client = login("sec1")
    upload(client, case_id, pdf_bytes(), "Đơn.pdf")
    [row] = attachment_rows()
    assert login("sec1b").post(f"/cases/{case_id}/attachments/{row.id}/remove").status_code == 404
    client = login("sec1")
    response = client.post(f"/cases/{case_id}/attachments/{row.id}/remove")
    assert response.status_code == 302
    [row] = attachment_rows()
    assert row.removed_at is not None
    assert f"/attachments/{row.id}" not in page(client.get(f"/cases/{case_id}"))
    assert client.get(f"/cases/{case_id}/attachments/{row.id}").status_code == 404
    assert [r.action for r in audit_rows(subject_id=case_id) if "attachment" in r.action] == [
        "attachment.added",
        "attachment.removed",
    ]
    assert len(stored_files(app)) == 1


def test_reading_verification_results_is_logged_only_when_the_page_shows_them(app, world, login):
    fresh = world.new_candidate("C1")
    answered = world.new_candidate("C1")
    world.advance(answered, "awaiting_cell_meeting")
    client = login("dept")
    client.get(f"/cases/{fresh}")
    assert reads("verification") == 0
    client.get(f"/cases/{answered}")
    client.get(f"/cases/{answered}")
    db.session.rollback()
    rows = db.session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id)).all()
    assert [(r.part, r.subject_id, r.user_id) for r in rows] == [
        ("verification", answered, world.users["dept"])
    ] * 2


def test_name_with_markup_is_shown_escaped_when_listed(app, world, login):
    case_id = world.new_candidate("C1")
    client = login("sec1")
    upload(client, case_id, pdf_bytes(), '<img src=x onerror="alert(1)">.pdf')
    body = page(client.get(f"/cases/{case_id}"))
    assert "<img src=x" not in body
    assert "&lt;img src=x" in body


def test_database_errors_never_carry_a_citizen_id_into_the_logs(app, world, caplog):
    """PostgreSQL describes the failing row in its own message; the log must not repeat it."""
    import logging

    from sqlalchemy.exc import IntegrityError

    from workflow.models import Person
    from workflow.models.people import name_keys

    db.session.rollback()
    existing = db.session.scalars(select(Person).limit(1)).one()
    clone = Person(
        full_name="Người Trùng Số",
        **name_keys("Người Trùng Số"),
        birth_date=existing.birth_date,
        sex=existing.sex,
        citizen_id=existing.citizen_id,
        cell_id=existing.cell_id,
    )
    db.session.add(clone)
    with pytest.raises(IntegrityError) as caught:
        db.session.flush()
    db.session.rollback()
    assert "hidden due to hide_parameters" in str(caught.value)

    with caplog.at_level(logging.ERROR, logger="workflow"):
        logging.getLogger("workflow").error(
            "unhandled error for %s", existing.citizen_id, exc_info=caught.value
        )
        logging.getLogger("workflow.documents").error("rendering failed", exc_info=caught.value)
    assert len(caplog.records) == 2
    logged = caplog.text
    assert "IntegrityError" in logged
    assert "Traceback" in logged
    assert existing.citizen_id not in logged
    assert "[redacted]" in logged


def test_redaction_of_server_details():
    from workflow.logredact import redact

    text = (
        'duplicate key value violates unique constraint "uq_person_citizen_id"\n'
        "DETAIL:  Key (citizen_id)=(001203004567) already exists.\n"
        "new row violates check constraint\n"
        "DETAIL:  Failing row contains (7, Nguyễn Văn A, 1990-01-01)."
    )
    out = redact(text)
    assert "001203004567" not in out and "Nguyễn" not in out
    assert 'unique constraint "uq_person_citizen_id"' in out
    # numbers of other lengths (ids, years, decision numbers) are kept
    assert redact("case 1234 in 2026, phone 0912345678") == "case 1234 in 2026, phone 0912345678"
    assert redact("id 0012030045671") == "id 0012030045671"


def test_a_users_uploads_per_day_are_capped_and_the_cap_is_per_user(app, world, login):
    case_id = world.new_candidate("C1")
    first, second = pdf_bytes(), pdf_bytes(pad=4)
    app.config["ATTACHMENT_DAILY_QUOTA_BYTES"] = len(first) + len(second) + 10
    app.config["ATTACHMENT_DAILY_QUOTA_FILES"] = 3
    client = login("sec1")
    assert upload(client, case_id, first, "mot.pdf").status_code == 302
    assert upload(client, case_id, second, "hai.pdf").status_code == 302
    rows, files = len(attachment_rows()), len(stored_files(app))
    refused = upload(client, case_id, pdf_bytes(pad=8), "ba.pdf")
    assert refused.status_code == 422
    body = page(refused)
    assert "Hôm nay bạn đã tải lên 2 tệp" in body and "hạn mức mỗi người mỗi ngày" in body
    assert len(attachment_rows()) == rows and len(stored_files(app)) == files
    # a withdrawn scan still counts (its file stays stored); another user has their own cap
    staff = login("gs1")
    assert upload(staff, case_id, pdf_bytes(pad=12), "bon.pdf").status_code == 302
    # the next day the user may upload again
    from datetime import timedelta

    from workflow.clock import clock

    clock().set_today(clock().today() + timedelta(days=1))
    assert upload(login("sec1"), case_id, pdf_bytes(pad=8), "ba.pdf").status_code == 302


def test_the_sweep_removes_only_old_files_no_row_names_and_leaves_foreign_files(app, world, login):
    import os
    import time

    from tests.test_cli import invoke
    from workflow.store.files import folder as area_folder

    case_id = world.new_candidate("C1")
    assert upload(login("sec1"), case_id, pdf_bytes(), "don.pdf").status_code == 302
    [kept] = stored_files(app)
    folder = kept.parent.parent
    orphan = folder / "ab" / ("ab" + "0" * 30)
    partial = folder / "cd" / ("cd" + "1" * 30 + ".part")
    fresh = folder / "ef" / ("ef" + "2" * 30)
    foreign = folder / "ghi-chu.txt"
    pdf_orphan = area_folder("documents") / "2026" / "999-0123456789ab.pdf"
    for path in (orphan, partial, fresh, foreign, pdf_orphan):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 10)
    day_old = time.time() - 25 * 3600
    for path in (orphan, partial, foreign, pdf_orphan, kept):
        os.utime(path, (day_old, day_old))
    listed = invoke(app, "sweep-files", "--dry-run")
    assert listed.exit_code == 0, listed.output
    assert "Sẽ xóa 3 tệp không còn dùng (30 byte)" in listed.output
    assert orphan.exists() and partial.exists() and pdf_orphan.exists()
    done = invoke(app, "sweep-files")
    assert "Đã xóa 3 tệp" in done.output and "1 tệp mới ghi chưa xét" in done.output
    assert "không phải tệp của ứng dụng, để nguyên" in done.output
    assert not orphan.exists() and not partial.exists() and not pdf_orphan.exists()
    assert kept.exists() and fresh.exists() and foreign.exists()
    [row] = audit_rows(action="files.swept")
    assert json.loads(row.payload) == {"removed": 3, "bytes": 30}
    # the scan still downloads
    [attachment] = attachment_rows()
    got = login("dept").get(f"/cases/{case_id}/attachments/{attachment.id}")
    assert got.status_code == 200


def test_a_plain_handmade_pdf_is_accepted_so_the_hostile_ones_are_refused_for_their_action(app):
    from workflow.operations.attachments import sniff

    plain = handmade_pdf([_CATALOG.replace(b" /OpenAction 4 0 R", b""), _PAGES, _PAGE])
    assert sniff(plain) == "application/pdf"
    # with a harmless action (go to the first page) it is still a plain paper
    harmless = b"<< /Type /Action /S /GoTo /D [3 0 R /Fit] >>"
    assert sniff(handmade_pdf([_CATALOG, _PAGES, _PAGE, harmless])) == "application/pdf"
