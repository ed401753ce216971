"""An import as the user goes through it: upload (checked, nothing imported), then import,
checked again on the same bytes in the importing transaction. The file is kept only between
the two, and only its uploader sees it."""

from __future__ import annotations

import hashlib

from flask import current_app
from sqlalchemy import select

from states.text import clean_line
from workflow.extensions import db
from workflow.models import ImportBatch
from workflow.permissions import ROSTER_KEEPERS, Actor
from workflow.roster.checks import Plan, check
from workflow.roster.load import Result, commit
from workflow.roster.reader import FileRefused, check_container
from workflow.store.errors import InvalidInput, NotFound
from workflow.store.uow import transactional, unit_of_work


def _limits() -> tuple[int, int]:
    return current_app.config["ROSTER_MAX_BYTES"], current_app.config["ROSTER_MAX_ROWS"]


def may_import(actor: Actor) -> bool:
    return actor.has_role(*ROSTER_KEEPERS)


def store(filename: str, data: bytes, actor: Actor) -> ImportBatch:
    """Keep an uploaded file for checking; nothing is imported. A file that is not an .xlsx
    at all is refused here."""
    max_bytes, _max_rows = _limits()
    if not may_import(actor) or actor.user_id is None:
        raise InvalidInput({"file": "Bạn không có quyền nhập danh sách."})
    if len(data) > max_bytes:
        raise InvalidInput(
            {"file": f"Tệp lớn hơn {max_bytes // (1024 * 1024)} MB; hãy chia thành nhiều tệp."}
        )
    try:
        check_container(data)
    except FileRefused as exc:
        raise InvalidInput({"file": exc.problems[0].message}) from None
    with unit_of_work():
        batch = ImportBatch(
            user_id=actor.user_id,
            filename=clean_line(filename or "danh-sach.xlsx")[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            data=data,
        )
        db.session.add(batch)
    return batch


def get_batch(batch_id: int, actor: Actor, *, lock: bool = False) -> ImportBatch:
    """The user's own upload; anyone else's is not found."""
    stmt = select(ImportBatch).where(
        ImportBatch.id == batch_id, ImportBatch.user_id == (actor.user_id or -1)
    )
    if lock:
        stmt = stmt.with_for_update()
    batch = db.session.scalars(stmt).first()
    if batch is None:
        raise NotFound()
    return batch


def recheck(batch: ImportBatch, actor: Actor) -> Plan:
    if batch.data is None:
        raise InvalidInput({"batch": "Tệp này đã được nhập hoặc đã bỏ; hãy tải tệp lên lại."})
    return check(batch.data, actor, _limits()[1])


@transactional
def run(batch_id: int, mode: str, actor: Actor) -> Result:
    """Import the batch, checked again on its bytes in this transaction (the records may have
    changed since the upload). Raises InvalidInput, writing nothing, when the check no longer
    allows ``mode``."""
    batch = get_batch(batch_id, actor, lock=True)
    if batch.committed_at is not None:
        raise InvalidInput({"batch": "Tệp này đã được nhập rồi."})  # before reading it
    return commit(batch, recheck(batch, actor), mode, actor)


@transactional
def discard(batch_id: int, actor: Actor) -> None:
    batch = get_batch(batch_id, actor, lock=True)
    batch.data = None
