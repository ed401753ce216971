"""Scans of dossier papers: checked by their content, stored outside the web root.

A file is accepted only when its bytes are a PDF, a JPEG or a PNG that its parser can read; the
name and type the browser sent are never trusted. It is stored under a random name
(``workflow.store.files``) in the transaction that adds its row: in the database, it commits or
rolls back with the row; in a folder, it is written before the commit and deleted again if the
transaction fails, so neither a row without a file nor (short of a crash) a file without a row
is left behind.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import struct
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import PurePosixPath

from flask import current_app
from sqlalchemy import func, select

from states.rules import dossier_forms
from states.spec import Role
from states.text import clean_line
from workflow.clock import LOCAL_TZ, clock, today
from workflow.extensions import db
from workflow.models import Attachment, Case, User, utcnow
from workflow.permissions import Actor
from workflow.store import audit, files
from workflow.store.errors import InvalidInput, NotFound, PermissionDenied
from workflow.store.uow import transactional

#: who may attach a scan to a case in their scope
WRITE_ROLES = frozenset({Role.CELL_SECRETARY, Role.GRASSROOTS_STAFF, Role.DEPARTMENT_STAFF})
#: what a scan may be: content type → extension given to the downloaded file
TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
OTHER = "other"
OTHER_LABEL = "Giấy tờ khác"
#: extensions a user may give such a file, by the type its content must then have
EXTENSIONS = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
#: PDF features a scanned paper never needs and a hostile file may use: the raw spellings (a
#: quick first look), then the keys and action types of the parsed objects, where escaped
#: names (/J#61vaScript), hex strings and compressed object streams are already decoded
_PDF_ACTIVE = (b"/JavaScript", b"/JS ", b"/JS(", b"/Launch", b"/EmbeddedFile", b"/RichMedia")
_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia",
     "/XFA"}
)  # fmt: skip
_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToE", "/GoToR",
     "/RichMediaExecute", "/Rendition", "/Movie", "/Sound"}
)  # fmt: skip
#: more objects than any scan has: refused rather than walked
_PDF_MAX_OBJECTS = 200_000
_ACTIVE_MESSAGE = "Tệp PDF chứa mã lệnh hoặc tệp nhúng; chỉ nhận bản quét giấy tờ."


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def purposes(case: Case) -> list[tuple[str, str]]:
    """(key, label) of the papers a scan can show for this case's procedure."""
    forms = dossier_forms(case.procedure, today())
    return [(key, f"{code} – {title}") for key, (code, title) in forms.items()] + [
        (OTHER, OTHER_LABEL)
    ]


def may_write(actor: Actor, case: Case) -> bool:
    return case.closed_at is None and actor.scope_for(WRITE_ROLES, case.cell.path) is not None


def stored_key(stored_name: str) -> str:
    """The stored file's key: under the first two characters of its random name."""
    return files.make_key("attachments", f"{stored_name[:2]}/{stored_name}")


def key_of(attachment: Attachment) -> str:
    return stored_key(attachment.stored_name)


def sniff(data: bytes) -> str:
    """The content type of ``data``, or InvalidInput with the reason in Vietnamese."""
    if data.startswith(b"%PDF-"):
        _check_pdf(data)
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        _check_image(data, "JPEG")
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        _check_image(data, "PNG")
        return "image/png"
    raise InvalidInput({"file": "Chỉ nhận tệp PDF, JPEG hoặc PNG (kiểm tra theo nội dung tệp)."})


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if any(marker in data for marker in _PDF_ACTIVE):
        raise InvalidInput({"file": _ACTIVE_MESSAGE})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            pages = len(reader.pages)
            active = pages > 0 and _has_active_content(reader)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError):
        pages, active = 0, False
    if pages == 0:
        raise InvalidInput({"file": "Tệp PDF bị hỏng hoặc không đọc được."})
    if active:
        raise InvalidInput({"file": _ACTIVE_MESSAGE})


def _has_active_content(reader) -> bool:
    """Whether any object reachable from the trailer is a script, an action that launches a
    program, submits or imports data or opens another file, or an embedded file (every object
    a reader could act on is reachable). Links to web addresses (/URI) are allowed."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    walked = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        walked += 1
        if walked > _PDF_MAX_OBJECTS:
            raise InvalidInput(
                {"file": "Tệp PDF có cấu trúc quá phức tạp để kiểm tra; hãy quét lại thành PDF."}
            )
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                if key in _ACTIVE_KEYS or (key == "/S" and value in _ACTIVE_ACTIONS):
                    return True
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False


def _check_image(data: bytes, expected: str) -> None:
    from PIL import Image, UnidentifiedImageError

    limit = current_app.config["ATTACHMENT_MAX_PIXELS"]
    too_large = (
        f"Ảnh quá lớn (quá {limit // 1_000_000} triệu điểm ảnh); hãy quét ở độ phân giải thấp hơn."
    )
    try:
        with warnings.catch_warnings():
            # Pillow's own guard against decompression bombs, as an error rather than a warning
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise InvalidInput({"file": too_large}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInput({"file": "Tệp ảnh bị hỏng hoặc không đọc được."}) from None
    try:
        with image:
            # the header gives the size before any pixel is decoded (no decompression bomb)
            if image.format != expected:
                raise InvalidInput({"file": "Nội dung ảnh không khớp với định dạng."})
            width, height = image.size
            if width * height > limit:
                raise InvalidInput({"file": too_large})
            image.verify()
    except InvalidInput:
        raise
    except (OSError, SyntaxError, ValueError, struct.error):
        raise InvalidInput({"file": "Tệp ảnh bị hỏng hoặc không đọc được."}) from None


def _check_extension(filename: str, content_type: str) -> None:
    """A name that claims another type than the content has is refused (a disguised file)."""
    base = PurePosixPath(filename.replace("\\", "/")).name
    if "." not in base.strip("."):
        return
    extension = base.rsplit(".", 1)[1].lower()
    claimed = EXTENSIONS.get(extension)
    if claimed is None:
        raise InvalidInput(
            {"file": f"Không nhận tệp .{extension[:10]}: chỉ nhận tệp PDF, JPEG hoặc PNG."}
        )
    if claimed != content_type:
        raise InvalidInput(
            {
                "file": f"Tên tệp có đuôi .{extension} nhưng nội dung là "
                f"{NAMES[content_type]}: tệp không được chấp nhận."
            }
        )


def _display_name(filename: str, content_type: str) -> str:
    """The user's name without any folder, cleaned, with the extension the content has."""
    base = PurePosixPath(clean_line(filename).replace("\\", "/")).name
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem.strip(" .")[:150] or "tep-dinh-kem"
    return f"{stem}.{TYPES[content_type]}"


def inspect(case: Case, purpose: str, upload: Upload) -> str:
    """Check a scan's paper and content; its content type, or InvalidInput with every problem.
    Call it before the unit of work: parsing a large PDF must not hold the write lock."""
    errors: dict[str, str] = {}
    if purpose not in dict(purposes(case)):
        errors["purpose"] = "Chọn giấy tờ mà bản quét thể hiện."
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    content_type = ""
    if not upload.data:
        errors["file"] = "Chưa chọn tệp, hoặc tệp rỗng."
    elif len(upload.data) > limit:
        errors["file"] = f"Tệp lớn hơn {limit // (1024 * 1024)} MB."
    else:
        try:
            content_type = sniff(upload.data)
            _check_extension(upload.filename, content_type)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors)
    return content_type


def _locked_case(case_id: int, actor: Actor) -> Case:
    case = db.session.get(Case, case_id, with_for_update=True, populate_existing=True)
    if case is None or not actor.can_view_case(case):
        raise NotFound()
    return case


@transactional
def add(
    case_id: int, purpose: str, upload: Upload, *, actor: Actor, content_type: str | None = None
) -> str:
    """Store a scan (``content_type`` from ``inspect``, which runs here when not given);
    returns the name it is shown under. The file goes again if the transaction fails."""
    case = _locked_case(case_id, actor)
    if not may_write(actor, case):
        raise PermissionDenied()
    content_type = content_type or inspect(case, purpose, upload)
    errors: dict[str, str] = {}
    _check_quota(actor, len(upload.data), errors)
    if errors:
        raise InvalidInput(errors)

    stored_name = secrets.token_hex(16)
    attachment = Attachment(
        case_id=case.id,
        purpose=purpose,
        original_name=_display_name(upload.filename, content_type),
        stored_name=stored_name,
        content_type=content_type,
        size=len(upload.data),
        sha256=hashlib.sha256(upload.data).hexdigest(),
        uploaded_by=actor.user_id,
        # the application's clock, as the daily quota counts by it
        uploaded_at=clock().now().astimezone(UTC).replace(tzinfo=None),
    )
    db.session.add(attachment)
    db.session.flush()
    files.put(key_of(attachment), upload.data)  # goes again if the transaction fails
    audit.append(
        actor=actor,
        subject_type="case",
        subject_id=case.id,
        procedure=case.procedure,
        action="attachment.added",
        payload={
            "attachment": attachment.id,
            "purpose": purpose,
            "name": attachment.original_name,
            "size": attachment.size,
            "sha256": attachment.sha256,
        },
    )
    return attachment.original_name


def _check_quota(actor: Actor, size: int, errors: dict[str, str]) -> None:
    """One user's uploads per day are capped (ASVS 12.1.3): a stolen account or a runaway
    script cannot fill the disk. Counted in the database, so it holds across workers."""
    config = current_app.config
    start = datetime.combine(today(), time.min, LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)
    files, used = db.session.execute(
        select(func.count(Attachment.id), func.coalesce(func.sum(Attachment.size), 0)).where(
            Attachment.uploaded_by == actor.user_id, Attachment.uploaded_at >= start
        )
    ).one()
    limit = config["ATTACHMENT_DAILY_QUOTA_BYTES"]
    if files >= config["ATTACHMENT_DAILY_QUOTA_FILES"] or used + size > limit:
        errors["file"] = (
            f"Hôm nay bạn đã tải lên {files} tệp ({used // (1024 * 1024)} MB); hạn mức mỗi "
            f"người mỗi ngày là {config['ATTACHMENT_DAILY_QUOTA_FILES']} tệp, "
            f"{limit // (1024 * 1024)} MB. Vui lòng tiếp tục vào ngày mai hoặc liên hệ "
            "quản trị hệ thống."
        )


@transactional
def remove(case_id: int, attachment_id: int, *, actor: Actor) -> None:
    """Withdraw a scan from the dossier: the uploader, or department staff over the case."""
    case = _locked_case(case_id, actor)
    attachment = db.session.get(
        Attachment, attachment_id, with_for_update=True, populate_existing=True
    )
    if attachment is None or attachment.case_id != case.id:
        raise NotFound()
    own = attachment.uploaded_by == actor.user_id and may_write(actor, case)
    staff = (
        case.closed_at is None
        and actor.scope_for({Role.DEPARTMENT_STAFF}, case.cell.path) is not None
    )
    if not (own or staff):
        raise PermissionDenied()
    if attachment.removed_at is not None:
        raise InvalidInput({"_": "Bản quét này đã được gỡ."})
    attachment.removed_at = utcnow()
    attachment.removed_by = actor.user_id
    audit.append(
        actor=actor,
        subject_type="case",
        subject_id=case.id,
        procedure=case.procedure,
        action="attachment.removed",
        payload={"attachment": attachment.id, "name": attachment.original_name},
    )


def listed(case: Case) -> list[Attachment]:
    return list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.case_id == case.id, Attachment.removed_at.is_(None))
            .order_by(Attachment.id)
        )
    )


def uploader_names(attachments: list[Attachment]) -> dict[int, str]:
    ids = {a.uploaded_by for a in attachments}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
    return dict(rows.all())


def label_of(case: Case, purpose: str) -> str:
    return dict(purposes(case)).get(purpose, purpose)
