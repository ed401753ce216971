"""An import as the user goes through it: upload (checked, nothing imported), then import,
checked again on the same bytes in the importing transaction. The file is kept only between
the two, and only its uploader sees it.

The import itself runs in a queue worker (a list of twenty thousand members takes longer than
a web request should): asking for it marks the upload queued and queues the job when that
commits; the worker rebuilds the uploader's permissions from their grants as they are then,
and imports everything in one transaction that also marks the upload done, so an import is
whole or absent. A worker that dies leaves it running past ROSTER_IMPORT_STALE_SECONDS; the
periodic check queues it again, and a second copy of a live import waits for the first and
finds it done."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from states.text import clean_line
from workflow import jobqueue
from workflow.extensions import db
from workflow.models import ImportBatch, User, utcnow
from workflow.models.imports import MODES
from workflow.permissions import ROSTER_KEEPERS, Actor
from workflow.roster.checks import Plan, check
from workflow.roster.load import Result, commit
from workflow.roster.reader import FileRefused, check_container
from workflow.store.errors import InvalidInput, NotFound
from workflow.store.uow import transactional, unit_of_work

log = logging.getLogger("workflow.roster")


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
def queue_import(batch_id: int, mode: str, actor: Actor) -> ImportBatch:
    """Ask a worker to import the batch in ``mode``: one job per upload (asking again while
    it waits or runs gives the same one). Nothing is imported here."""
    batch = get_batch(batch_id, actor, lock=True)
    if batch.committed_at is not None:
        raise InvalidInput({"batch": "Tệp này đã được nhập rồi."})
    if batch.data is None:
        raise InvalidInput({"batch": "Tệp này đã bỏ; hãy tải tệp lên lại."})
    if batch.status in ("queued", "running"):
        return batch
    if mode not in MODES:
        raise InvalidInput({"mode": "Chọn cách nhập."})
    if not may_import(actor):
        raise InvalidInput({"file": "Bạn không có quyền nhập danh sách."})
    batch.status, batch.mode, batch.error = "queued", mode, None
    batch.queued_at, batch.started_at, batch.attempts = utcnow(), None, 0
    jobqueue.enqueue_on_commit(import_batch, batch.id)
    return batch


@jobqueue.task()
def import_batch(batch_id: int) -> None:
    """The queued import (see ``run_queued``)."""
    run_queued(batch_id)


def run_queued(batch_id: int) -> None:
    """Import a queued batch as its uploader, with the permissions they hold now; a refusal
    (the records changed since the check, the uploader lost the right) is kept on the batch
    for the user, with nothing imported."""
    if not _claim(batch_id):
        return
    try:
        _import_queued(batch_id)
    except InvalidInput as exc:
        db.session.rollback()
        _fail(batch_id, " ".join(str(v) for v in exc.errors.values()) + " Chưa nhập gì.")
    except Exception:
        log.exception("import %s failed", batch_id)
        db.session.rollback()
        _fail(batch_id, "Lỗi hệ thống khi nhập; chưa nhập gì. Thử lại sau ít phút.")


def _stale_after() -> timedelta:
    return timedelta(seconds=jobqueue.config("ROSTER_IMPORT_STALE_SECONDS"))


@transactional
def _claim(batch_id: int) -> bool:
    """Take the batch for this worker: a queued one, or a running one whose worker is taken
    to have died. Waits for a live import of it to commit (its row is locked)."""
    batch = db.session.get(ImportBatch, batch_id, with_for_update=True, populate_existing=True)
    if batch is None or batch.committed_at is not None:
        return False
    if batch.status == "running":
        if batch.started_at and utcnow() - batch.started_at < _stale_after():
            return False
    elif batch.status != "queued":
        return False
    if batch.attempts >= jobqueue.config("ROSTER_IMPORT_MAX_ATTEMPTS"):
        batch.status = "failed"
        batch.error = "Đã thử nhập nhiều lần không thành công; chưa nhập gì. Hãy thử lại."
        log.error("import %s given up after %s attempts", batch_id, batch.attempts)
        return False
    batch.status, batch.started_at = "running", utcnow()
    batch.attempts += 1
    return True


@transactional
def _import_queued(batch_id: int) -> None:
    batch = db.session.get(ImportBatch, batch_id, with_for_update=True, populate_existing=True)
    if batch.committed_at is not None:
        return
    user = db.session.get(User, batch.user_id)
    actor = Actor.of(user).via("queue") if user is not None and user.active else None
    if actor is None or not may_import(actor):
        raise InvalidInput({"file": "Người tải tệp lên không còn quyền nhập danh sách."})
    commit(batch, recheck(batch, actor), batch.mode or "", actor)
    batch.status, batch.error = "done", None


@transactional
def _fail(batch_id: int, message: str) -> None:
    batch = db.session.get(ImportBatch, batch_id, with_for_update=True, populate_existing=True)
    if batch is not None and batch.committed_at is None:
        batch.status, batch.error = "failed", message


def stalled_imports(now: datetime | None = None) -> list[int]:
    """Imports to queue again: queued a minute ago and not taken (the queue did not answer),
    or taken by a worker that has not finished in ROSTER_IMPORT_STALE_SECONDS."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(ImportBatch.id)
            .where(
                or_(
                    (ImportBatch.status == "queued")
                    & (ImportBatch.queued_at < now - timedelta(minutes=1)),
                    (ImportBatch.status == "running")
                    & (ImportBatch.started_at < now - _stale_after()),
                )
            )
            .order_by(ImportBatch.id)
        )
    )


@jobqueue.periodic_task(lambda _moment: True)
def resume_stalled_imports() -> None:
    """Queue again what a dead worker or an unreachable queue left (every minute)."""
    for batch_id in stalled_imports():
        log.info("import %s stalled: queued again", batch_id)
        import_batch(batch_id)
    db.session.rollback()


@transactional
def run(batch_id: int, mode: str, actor: Actor) -> Result:
    """Import the batch, checked again on its bytes in this transaction (the records may have
    changed since the upload). Raises InvalidInput, writing nothing, when the check no longer
    allows ``mode``."""
    batch = get_batch(batch_id, actor, lock=True)
    if batch.committed_at is not None:
        raise InvalidInput({"batch": "Tệp này đã được nhập rồi."})  # before reading it
    result = commit(batch, recheck(batch, actor), mode, actor)
    batch.status, batch.error = "done", None
    return result


@transactional
def discard(batch_id: int, actor: Actor) -> None:
    batch = get_batch(batch_id, actor, lock=True)
    if batch.status in ("queued", "running"):
        raise InvalidInput({"batch": "Tệp đang được nhập; không bỏ được."})
    batch.data = None
