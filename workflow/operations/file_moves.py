"""Moving the stored files between the folders and the database (``flask wf move-files``).

Every file of the other storage is copied to the target under the same key, read back and
compared with the source's SHA-256; a file already there with the same digest is left as it
is, so the move can be run again after an interruption, and again after the switch to copy
what was written in between. The rows that name files do not change (keys are the same in
both). Only once ``FILE_STORAGE`` names the target may the source's copies be removed, and
only those found identical in the target.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from flask import current_app

from workflow.permissions import Actor
from workflow.store import audit, files
from workflow.store.uow import unit_of_work

LABELS = {"directory": "thư mục", "database": "cơ sở dữ liệu"}
#: source files removed per transaction
_REMOVE_BATCH = 200


class MoveError(Exception):
    """The move cannot start; the message says why, in Vietnamese."""


@dataclass
class MoveReport:
    source: str
    target: str
    copied: int = 0
    copied_bytes: int = 0
    #: already in the target with the same digest
    already: int = 0
    removed: int = 0
    #: names in the source that are not the application's files: left alone
    skipped: list[str] = field(default_factory=list)
    #: "key: why" of the files not moved
    failed: list[str] = field(default_factory=list)


def _reader(store: files.Backend, key: str):
    return io.BufferedReader(files.ChunkReader(store.chunks(key)), files.CHUNK)


def move(to: str, *, remove_source: bool = False) -> MoveReport:
    """Copy every file of the other storage into ``to`` ("directory" or "database"),
    verified; with ``remove_source`` (only when ``FILE_STORAGE`` is already ``to``), then
    remove the source's copies that the target holds identically."""
    if to not in files.BACKENDS:
        raise MoveError(f"Nơi lưu không hợp lệ: {to} (chọn directory hoặc database).")
    configured = current_app.config["FILE_STORAGE"]
    if remove_source and configured != to:
        raise MoveError(
            f'Chưa xóa được bản ở nơi cũ: FILE_STORAGE đang là "{configured}". Đặt '
            f'FILE_STORAGE = "{to}" trên mọi máy chủ và khởi động lại trước đã.'
        )
    source_name = next(name for name in files.BACKENDS if name != to)
    source, target = files.backend(source_name), files.backend(to)
    report = MoveReport(source_name, to)
    verified: list[str] = []
    for entry in list(source.entries()):
        key = entry.key
        try:
            files.check_key(key)
        except ValueError:
            report.skipped.append(key)
            continue
        try:
            digest = files.sha256_of(source, key)
        except files.FileMissing:
            continue  # removed since it was listed (an orphan swept)
        if target.stat(key) is not None:
            if files.sha256_of(target, key) == digest:
                report.already += 1
                verified.append(key)
            else:
                report.failed.append(f"{key}: nơi đích đã có tệp khác cùng tên")
            continue
        with _reader(source, key) as data:
            if target.in_database:
                with unit_of_work():
                    written = target.put(key, data)
            else:
                written = target.put(key, data)
        if written != digest or files.sha256_of(target, key) != digest:
            report.failed.append(f"{key}: bản chép không khớp mã băm")
            continue
        report.copied += 1
        report.copied_bytes += entry.size
        verified.append(key)
    if remove_source:
        for start in range(0, len(verified), _REMOVE_BATCH):
            batch = verified[start : start + _REMOVE_BATCH]
            with unit_of_work():  # the database's rows go together; a folder's files at once
                for key in batch:
                    source.delete(key)
            report.removed += len(batch)
    if report.copied or report.removed:
        with unit_of_work():
            audit.append(
                actor=Actor(None, "Hệ thống", ()),
                subject_type="system",
                subject_id=None,
                action="files.moved",
                payload={
                    "from": source_name,
                    "to": to,
                    "copied": report.copied,
                    "bytes": report.copied_bytes,
                    "removed": report.removed,
                },
            )
    return report
