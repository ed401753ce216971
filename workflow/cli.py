"""``flask --app wsgi wf …``: maintenance commands. They call the engine like the pages do."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select, text

from states import get_spec
from states.numbers import vn_number
from workflow import backup
from workflow.dbroles import CAN_CREATE, SCHEMA_FIX, grant_statements
from workflow.demo import load_demo
from workflow.engine import fire
from workflow.extensions import db
from workflow.models import AuditEntry, AuditHead, Case, User
from workflow.operations import jobs
from workflow.operations import users as user_ops
from workflow.permissions import Actor
from workflow.reports import facts
from workflow.store.audit import parse_position, position, verify_chain
from workflow.store.errors import EngineError, GuardFailed, InvalidInput
from workflow.store.uow import unit_of_work


@click.group("wf")
def wf() -> None:
    """Quản lý quy trình công tác đảng viên."""


@wf.command("create-admin")
@click.argument("username")
@click.option("--name", "full_name", default="Quản Trị Hệ Thống", help="Họ tên người quản trị.")
def create_admin(username: str, full_name: str) -> None:
    """Create a system administrator and print a random password (shown once)."""
    try:
        password = user_ops.create_administrator(username, full_name, actor=Actor.system())
    except InvalidInput as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from None
    click.echo(f"Tài khoản quản trị: {username}")
    click.echo(f"Mật khẩu (chỉ hiện một lần): {password}")


@wf.command("demo")
@click.option("--seed", default=2026, help="Seed for the random generator.")
@click.option(
    "--no-people",
    is_flag=True,
    help="Chỉ tạo tổ chức, tài khoản, chỉ tiêu (rồi nhập danh sách đảng viên từ Excel).",
)
def demo(seed: int, no_people: bool) -> None:
    """Load demonstration data: ~10 grassroots organizations, 40 cells, 400 members,
    60 candidates in every state, one user per role (passwords printed)."""
    if db.session.scalars(select(User.id)).first() is not None:
        raise click.ClickException(
            "Cơ sở dữ liệu đã có dữ liệu; lệnh demo chỉ chạy trên CSDL trống."
        )
    accounts = load_demo(seed, people=not no_people)
    click.echo("Dữ liệu minh họa đã được nạp. Tài khoản minh họa và mật khẩu (sinh ngẫu nhiên):")
    for username, password, description in accounts:
        click.echo(f"  {username:<16} {password:<32} {description}")


def _ask_password(case_id: int, trigger: str) -> str | None:
    """Prompt for the password only when the step is a signing one."""
    case = db.session.get(Case, case_id)
    spec = get_spec(case.procedure) if case is not None else None
    if spec is None or not any(t.reauth for t in spec.transitions_for(trigger)):
        return None
    return click.prompt("Mật khẩu (bước ký)", hide_input=True, default="", show_default=False)


def _actor(username: str) -> Actor:
    user = db.session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        raise click.ClickException(f"Không có người dùng {username}.")
    return Actor.of(user)


@wf.command("fire")
@click.argument("case_id", type=int)
@click.argument("trigger")
@click.option("--as", "username", required=True, help="Tên đăng nhập của người thực hiện.")
@click.option("--data", default="{}", help="Dữ liệu biểu mẫu dạng JSON.")
@click.option(
    "--version",
    "expected_version",
    type=int,
    default=None,
    help="Phiên bản hồ sơ khi mở biểu mẫu (bỏ trống: không kiểm tra).",
)
@click.option(
    "--password",
    envvar="WF_PASSWORD",
    default=None,
    help="Mật khẩu của người thực hiện, cho bước ký (bỏ trống: hỏi khi cần).",
)
def fire_command(
    case_id: int,
    trigger: str,
    username: str,
    data: str,
    expected_version: int | None,
    password: str | None,
) -> None:
    """Fire TRIGGER on CASE_ID as a user, exactly as the form would: a signing step asks for
    the user's password again, counted in the lockout like a wrong one on the web."""
    try:
        payload = json.loads(data)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"--data không phải JSON hợp lệ: {exc}") from None
    if not isinstance(payload, dict):
        raise click.ClickException("--data phải là một đối tượng JSON.")
    actor = _actor(username).via("cli")
    try:
        result = fire(
            case_id,
            trigger,
            actor=actor,
            payload=payload,
            expected_version=expected_version,
            password=password if password is not None else _ask_password(case_id, trigger),
        )
    except GuardFailed as exc:
        raise click.ClickException(
            "Chưa đủ điều kiện: " + "; ".join(v.message for v in exc.verdicts)
        ) from None
    except InvalidInput as exc:
        raise click.ClickException(
            "Dữ liệu chưa hợp lệ: " + "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
        ) from None
    except EngineError as exc:
        raise click.ClickException(exc.message) from None
    spec_label = get_spec(db.session.get(Case, result.case_id).procedure).state_label
    click.echo(
        f"Hồ sơ {result.case_id}: {spec_label(result.from_state)} → "
        f"{spec_label(result.to_state)} (phiên bản {result.version}, "
        f"dòng nhật ký {result.audit_seq})"
    )


@wf.command("audit")
@click.argument("case_id", type=int)
def audit_command(case_id: int) -> None:
    """Print the audit trail of a case."""
    rows = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.subject_type == "case", AuditEntry.subject_id == case_id)
        .order_by(AuditEntry.seq)
    ).all()
    if not rows:
        raise click.ClickException(f"Không có nhật ký cho hồ sơ {case_id}.")
    for r in rows:
        click.echo(
            f"#{r.seq} {r.entered_at:%Y-%m-%d %H:%M:%S} UTC  ngày sự kiện "
            f"{r.event_date or '-'}  {r.actor_name} ({r.actor_role})  {r.action}: "
            f"{r.from_state or '-'} → {r.to_state or '-'}  {r.payload}"
        )


def _anchor(_ctx, _param, values: tuple[str, ...]) -> list[tuple[int, str]]:
    anchors = []
    for value in values:
        parsed = parse_position(value)
        if parsed is None:
            raise click.BadParameter(
                f"“{value}” không phải một vị trí chuỗi: ghi #số mã, ví dụ #2501 3fa9c0d1e2b4a5f6."
            )
        anchors.append(parsed)
    return anchors


@wf.group("report-facts")
def report_facts() -> None:
    """The period report's stored facts: derived again from the trail, or checked against it."""


@report_facts.command("rebuild")
def report_facts_rebuild() -> None:
    """Derive every fact again from the whole audit trail (appends wait meanwhile)."""
    with unit_of_work():
        written = facts.rebuild()
    seq, _rules = facts.state()
    click.echo(
        f"Đã tính lại {vn_number(written)} dữ kiện báo cáo từ nhật ký (đến dòng {vn_number(seq)})."
    )


@report_facts.command("check")
def report_facts_check() -> None:
    """Derive the facts from the trail again and compare them with those stored."""
    problems = facts.check()
    if not problems:
        seq, _rules = facts.state()
        click.echo(f"Dữ kiện báo cáo khớp với nhật ký (đến dòng {vn_number(seq)}).")
        return
    for problem in problems:
        click.echo(f"Dữ kiện báo cáo sai: {problem}", err=True)
    sys.exit(1)


@wf.command("audit-verify")
@click.option(
    "--anchor",
    multiple=True,
    callback=_anchor,
    help="A chain position written down earlier (audit-head, a printed report): #SEQ HASH.",
)
def audit_verify(anchor: list[tuple[int, str]]) -> None:
    """Recompute the audit hash chain and its MACs under the audit key; check the positions
    issued documents and the given anchors recorded; name the first broken row."""
    report = verify_chain(anchors=anchor)
    if report.ok:
        click.echo(
            f"Chuỗi nhật ký nguyên vẹn: {report.rows} dòng; khớp {report.references} vị trí "
            f"đã ghi nhận ({len(anchor)} mốc đối chiếu, còn lại trong văn bản đã ban hành)."
        )
        return
    where = f"tại dòng {report.first_bad_seq}" if report.first_bad_seq else "ở dòng đầu mối"
    click.echo(
        f"CHUỖI NHẬT KÝ BỊ HỎNG {where}: {report.reason} "
        f"(đã kiểm tra {report.rows} dòng hợp lệ trước đó).",
        err=True,
    )
    sys.exit(1)


@wf.command("audit-head")
def audit_head() -> None:
    """Print the chain's current position, to write down (or keep with a backup) and give to
    audit-verify --anchor later: a trail cut or rewritten before it no longer matches."""
    head = db.session.get(AuditHead, 1)
    if head is None:
        raise click.ClickException("Mất dòng đầu mối của chuỗi nhật ký.")
    click.echo(position(head.seq, head.row_hash))


@wf.command("backup")
@click.option(
    "--to",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("backups"),
    show_default=True,
    help="Folder the dated archive is written to.",
)
def backup_command(directory: Path) -> None:
    """The database and every stored file in one dated archive with a manifest of hashes
    (SQLite's online backup, or pg_dump -Fc); writers need not stop."""
    try:
        archive = backup.backup(directory)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Đã sao lưu: {archive}")


@wf.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(archive: Path) -> None:
    """Check ARCHIVE against its manifest, restore it into the empty database and file
    folders configured, then verify the audit chain and every stored file."""
    try:
        report = backup.restore(archive)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    if report.ok:
        click.echo(
            f"Đã khôi phục và kiểm tra: chuỗi nhật ký nguyên vẹn ({report.rows} dòng), "
            f"{report.files} tệp khớp mã băm."
        )
        if db.engine.dialect.name == "postgresql":
            click.echo("Trước khi mở ứng dụng, chạy: flask --app wsgi wf grant-app-role <vai trò>.")
        return
    for problem in report.problems:
        click.echo(f"LỖI: {problem}", err=True)
    sys.exit(1)


@wf.command("grant-app-role")
@click.argument("role")
def grant_app_role(role: str) -> None:
    """PostgreSQL: let ROLE (the role the application connects as) read and write rows as the
    application does, and no further. Run as the schema's owner after every `db upgrade`."""
    if db.engine.dialect.name != "postgresql":
        raise click.ClickException("Chỉ dùng với PostgreSQL.")
    try:
        statements = grant_statements(role)
    except ValueError:
        raise click.ClickException(f"Tên vai trò không hợp lệ: {role}") from None
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
        may_create = conn.scalar(text(CAN_CREATE), {"role": role})
        owner = conn.scalar(text("SELECT current_user"))
    if may_create:
        fix = SCHEMA_FIX.format(owner=owner)
        raise click.ClickException(
            f"Vai trò {role} vẫn có quyền tạo bảng trong lược đồ public (PostgreSQL 14 trở về "
            f"trước cho mọi vai trò quyền này). Quản trị máy chủ cơ sở dữ liệu chạy một lần: "
            f'psql -d {db.engine.url.database} -c "{fix}", rồi chạy lại lệnh này.'
        )
    click.echo(f"Đã cấp quyền cho vai trò {role}.")


def _echoing(*notes: Callable[[str], None]) -> Callable[[str], None]:
    """Print a line of a job's report and add it to the recorded runs' summaries."""

    def say(line: str) -> None:
        click.echo(line)
        for note in notes:
            note(line)

    return say


@wf.command("daily")
def daily() -> None:
    """What the queue's workers run once a day (at DAILY_JOB_AT), run now: scan the deadlines
    (which ends probations whose 12 months have run), then sweep unused files; each run is
    recorded, and the department is warned when the last one is more than
    DAILY_RUN_MAX_AGE_HOURS old."""
    jobs.run_daily(click.echo)


@wf.command("worker")
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=16),
    default=None,
    help="Số luồng nhận việc (mặc định QUEUE_WORKERS).",
)
@click.option(
    "--no-periodic",
    is_flag=True,
    help="Không chạy việc định kỳ từ máy này (việc hằng ngày, tiếp tục việc in bị dừng).",
)
def worker(workers: int | None, no_periodic: bool) -> None:
    """Run the job queue's worker until stopped (SIGTERM or Ctrl+C): print jobs, PDFs after
    signing, and the periodic jobs (the daily jobs at DAILY_JOB_AT). Any number of workers,
    on any machine reaching the queue's storage, may run at once."""
    from flask import current_app

    from workflow import jobqueue

    app = current_app._get_current_object()
    count = workers or app.config["QUEUE_WORKERS"]
    kind = jobqueue.storage_kind(app)
    where = jobqueue.sqlite_path(app) if kind == "sqlite" else "PostgreSQL (bảng huey_*)"
    click.echo(f"Hàng đợi: {where}; {count} luồng.", err=True)
    try:
        jobqueue.run_worker(app, workers=count, periodic=not no_periodic)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None


@wf.command("scan-deadlines")
def scan_deadlines() -> None:
    """Take the steps that come due with a clock (probations whose 12 months have run), mark
    newly overdue deadlines (part of `daily`). Idempotent: a second run the same day changes
    nothing."""
    with jobs.recorded("scan_deadlines") as note:
        jobs.scan_deadlines(_echoing(note))


@wf.command("sweep-files")
@click.option(
    "--older-than-hours",
    default=24,
    show_default=True,
    type=click.IntRange(min=1),
    help="Chỉ xóa tệp cũ hơn ngần này giờ (tệp mới có thể đang được ghi).",
)
@click.option("--dry-run", is_flag=True, help="Chỉ liệt kê, không xóa.")
def sweep_files(older_than_hours: int, dry_run: bool) -> None:
    """Remove stored files that no database row names (a scan or PDF written before its
    transaction failed with the process, an interrupted write); part of `daily`."""
    if dry_run:
        jobs.sweep_files(click.echo, older_than_hours, dry_run)
        return
    with jobs.recorded("sweep_files") as note:
        jobs.sweep_files(_echoing(note), older_than_hours, dry_run)


@wf.command("move-files")
@click.option(
    "--to",
    "to",
    required=True,
    type=click.Choice(["database", "directory"]),
    help="Nơi lưu đích: database (bảng trong cơ sở dữ liệu) hoặc directory (thư mục).",
)
@click.option(
    "--remove-source",
    is_flag=True,
    help="Sau khi chép và kiểm tra, xóa bản ở nơi cũ (chỉ khi FILE_STORAGE đã là nơi đích).",
)
def move_files(to: str, remove_source: bool) -> None:
    """Copy every stored file (issued PDFs, scans, print outputs) to the other storage,
    verified by SHA-256; files already there are skipped, so it can be run again. Then set
    FILE_STORAGE to the target on every server, run it again, and with --remove-source."""
    from workflow.operations.file_moves import LABELS, MoveError, move

    try:
        report = move(to, remove_source=remove_source)
    except MoveError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Chép từ {LABELS[report.source]} sang {LABELS[report.target]}: {report.copied} tệp "
        f"mới chép ({report.copied_bytes} byte), {report.already} tệp đã có và khớp mã băm, "
        f"{len(report.failed)} tệp lỗi."
    )
    if remove_source:
        click.echo(f"Đã xóa {report.removed} tệp ở {LABELS[report.source]}.")
    for name in report.skipped:
        click.echo(f"  không phải tệp của ứng dụng, để nguyên: {name}")
    for problem in report.failed:
        click.echo(f"LỖI: {problem}", err=True)
    if report.failed:
        sys.exit(1)
    from flask import current_app

    if current_app.config["FILE_STORAGE"] != to:
        click.echo(
            f'Tiếp theo: đặt FILE_STORAGE = "{to}" trên mọi máy chủ, khởi động lại, chạy lại '
            "lệnh này (chép các tệp ghi thêm trong lúc chuyển), rồi chạy thêm --remove-source."
        )


@wf.command("render")
@click.argument("document_id", type=int)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Tệp PDF ghi ra.",
)
def render_command(document_id: int, output: str) -> None:
    """Write the stored PDF of an issued document (rendering it first if it is missing)."""
    from workflow.documents import service
    from workflow.models import Decision

    decision = db.session.get(Decision, document_id)
    if decision is None or not decision.is_issued:
        raise click.ClickException(f"Không có văn bản đã ban hành số hiệu {document_id}.")
    data = service.pdf_bytes(decision)
    with open(output, "wb") as fh:
        fh.write(data)
    decision = db.session.get(Decision, document_id)
    click.echo(f"{decision.reference}: {len(data)} byte, SHA-256 {decision.pdf_sha256}")


@wf.command("render-pending")
def render_pending() -> None:
    """Make the PDFs of issued documents whose rendering did not happen after signing."""
    from workflow.documents import service
    from workflow.models import Decision

    ids = db.session.scalars(
        select(Decision.id).where(Decision.status == "issued", Decision.pdf_sha256.is_(None))
    ).all()
    for decision_id in ids:
        service.render_and_store(decision_id)
    click.echo(f"Đã tạo {len(ids)} tệp PDF.")


@wf.command("diagram")
@click.argument("procedure")
@click.option("--all", "everything", is_flag=True, help="Include side paths (pause, withdraw…).")
def diagram(procedure: str, everything: bool) -> None:
    """Print the procedure's graph (its key, e.g. admission) as a Mermaid state diagram."""
    from states import REGISTRY

    if procedure not in REGISTRY:
        raise click.ClickException(f"Không có quy trình {procedure}.")
    click.echo(mermaid(REGISTRY[procedure], everything))


def mermaid(spec, everything: bool = False) -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {spec.initial}"]
    for key, label in spec.states.items():
        lines.append(f"    {key} : {label}")
    seen = set()
    for t in spec.transitions:
        # the main path, and the side steps that end the case from one or two states (a
        # rejection); the rest (withdrawn from anywhere, paused, returned) with --all
        outcome = t.dest in spec.finals and len(t.sources) <= 2
        if t.dest is None or (not everything and t.kind != "main" and not outcome):
            continue
        for source in t.sources:
            edge = (source, t.dest, t.trigger)
            if edge in seen:
                continue
            seen.add(edge)
            lines.append(f"    {source} --> {t.dest} : {t.trigger}")
    lines += [f"    {final} --> [*]" for final in sorted(spec.finals)]
    return "\n".join(lines)


def init_app(app: Flask) -> None:
    app.cli.add_command(wf)


@wf.command("report")
@click.option("--from", "start", required=True, help="Ngày bắt đầu kỳ (YYYY-MM-DD).")
@click.option("--to", "end", required=True, help="Ngày kết thúc kỳ (YYYY-MM-DD).")
@click.option("--org", "org_code", default=None, help="Mã tổ chức (bỏ trống: toàn Đảng bộ).")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "xlsx", "pdf"]), default="json", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Tệp ghi ra (JSON: mặc định in ra màn hình).",
)
def report_command(start: str, end: str, org_code: str | None, fmt: str, output: str | None):
    """The period report of an organization's subtree, computed from the audit trail."""
    from states.fields import parse_date
    from workflow.models import Organization
    from workflow.reports import export
    from workflow.reports.params import ReportRequest, document_for, period_errors

    try:
        start_on, end_on = parse_date(start), parse_date(end)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    errors = period_errors(start_on, end_on)
    if errors:
        raise click.ClickException(" ".join(errors.values()))
    org = None
    if org_code:
        org = db.session.scalars(select(Organization).where(Organization.code == org_code)).first()
        if org is None:
            raise click.ClickException(f"Không có tổ chức mã {org_code}.")
    doc = document_for(ReportRequest(start_on, end_on, org))
    if fmt == "json":
        text = export.to_json(doc)
        if output is None:
            click.echo(text)
            return
        data = text.encode("utf-8")
    else:
        if output is None:
            raise click.ClickException("Định dạng xlsx và pdf cần --output (-o).")
        data = export.to_xlsx(doc) if fmt == "xlsx" else export.to_pdf(doc)
    with open(output, "wb") as fh:
        fh.write(data)
    click.echo(f"{output}: {len(data)} byte")
