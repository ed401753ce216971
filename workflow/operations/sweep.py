"""Files the database no longer knows: a scan written just before its transaction died with the
process, a PDF rendered by a worker that lost the race to record its own, an interrupted
write's temporary file. Files are written before the rows that name them commit, so only files
older than a grace period are removed, and only names the application itself gives; anything
else in the folders is reported and left alone."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from workflow.documents.service import storage_root
from workflow.extensions import db
from workflow.models import Attachment, Decision, PrintJob
from workflow.operations.attachments import storage_dir
from workflow.permissions import Actor
from workflow.store import audit
from workflow.store.uow import unit_of_work

#: names the application writes, by folder (a partial write ends in .part or .tmp)
_ATTACHMENT = re.compile(r"^[0-9a-f]{32}(\.part)?$")
_DOCUMENT = re.compile(r"^(\d{4}/\d+-[0-9a-f]{12}\.(pdf|tmp)|batches/[\w.-]+\.(pdf|zip|tmp))$")


@dataclass
class SweepReport:
    removed: list[str] = field(default_factory=list)
    removed_bytes: int = 0
    #: unknown to the database but younger than the grace period (maybe still being written)
    young: list[str] = field(default_factory=list)
    #: not a name the application gives: never touched
    foreign: list[str] = field(default_factory=list)
    kept: int = 0


def _files(root: Path):
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def _known() -> tuple[set[str], set[str]]:
    attachments = set(db.session.scalars(select(Attachment.stored_name)))
    documents = {p for p in db.session.scalars(select(Decision.pdf_path)) if p}
    for pdf, archive in db.session.execute(select(PrintJob.pdf_path, PrintJob.zip_path)):
        documents.update(p for p in (pdf, archive) if p)
    return attachments, documents


def sweep(older_than: timedelta, *, now: float, dry_run: bool = False) -> SweepReport:
    """Remove (or with ``dry_run`` only list) the orphaned files older than ``older_than``;
    ``now`` in Unix seconds, as file times are."""
    attachments, documents = _known()
    report = SweepReport()
    cutoff = now - older_than.total_seconds()
    roots = (
        (storage_dir(), _ATTACHMENT, lambda rel: rel.rsplit("/", 1)[-1] in attachments),
        (storage_root(), _DOCUMENT, lambda rel: rel in documents),
    )
    for root, pattern, referenced in roots:
        for path in _files(root):
            relative = path.relative_to(root).as_posix()
            name = path.name if pattern is _ATTACHMENT else relative
            if referenced(relative):
                report.kept += 1
            elif not pattern.match(name):
                report.foreign.append(str(path))
            elif path.stat().st_mtime > cutoff:
                report.young.append(str(path))
            else:
                report.removed.append(str(path))
                report.removed_bytes += path.stat().st_size
                if not dry_run:
                    path.unlink(missing_ok=True)
    if report.removed and not dry_run:
        with unit_of_work():
            audit.append(
                actor=Actor(None, "Hệ thống", ()),
                subject_type="system",
                subject_id=None,
                action="files.swept",
                payload={"removed": len(report.removed), "bytes": report.removed_bytes},
            )
    return report
