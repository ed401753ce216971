"""The document pages: review, download, batch approval and printing, public verification."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import func, select

from tests.builders import PASSWORD
from workflow.documents import service
from workflow.extensions import db
from workflow.models import Case, Decision, StoredFile, Vote

#: the standing committee's meeting, as the batch page asks it and as one signing form does
MEETING = {"meeting_on": "05/03/2026", "members_total": "9", "members_present": "8"}
SIGNING = {
    "event_date": "05/03/2026",
    "members_total": "9",
    "members_present": "8",
    "yes": "8",
    "no": "0",
}


def issued(case_id: int) -> Decision:
    db.session.rollback()
    return db.session.scalars(
        select(Decision).where(Decision.case_id == case_id, Decision.status == "issued")
    ).one()


def test_signer_reviews_the_draft_and_must_enter_the_password(world, login):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "department_appraised")
    draft = service.find_draft(case_id, "admission")
    client = login("signer")
    form = client.get(f"/cases/{case_id}/do/approve_admission")
    assert form.status_code == 200
    assert f"/documents/{draft.id}/preview.pdf".encode() in form.data
    preview = client.get(f"/documents/{draft.id}/preview.pdf")
    assert preview.mimetype == "application/pdf"
    assert preview.headers["Content-Disposition"].startswith("inline")
    text = " ".join(PdfReader(io.BytesIO(preview.data)).pages[0].extract_text().split())
    assert "DỰ THẢO" in text
    assert "Nguyễn Thị Hằng" in text
    version = db.session.get(Case, case_id).version
    wrong = client.post(
        f"/cases/{case_id}/do/approve_admission",
        data={**SIGNING, "expected_version": version, "password": "sai"},
    )
    assert wrong.status_code == 422
    assert "Mật khẩu không đúng" in wrong.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Case, case_id).state == "department_appraised"
    right = client.post(
        f"/cases/{case_id}/do/approve_admission",
        data={**SIGNING, "expected_version": version, "password": PASSWORD},
    )
    assert right.status_code == 302
    assert issued(case_id).reference == "Số 1-QĐ/ĐUK"


def test_download_is_the_stored_file_as_an_attachment(app, world, login, storage):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    decision = issued(case_id)
    key = f"documents/{decision.pdf_path}"
    in_folder = (Path(app.instance_path) / key).is_file()
    in_table = db.session.get(StoredFile, key) is not None
    assert (in_folder, in_table) == (storage == "directory", storage == "database")
    client = login("sec1")
    first = client.get(f"/documents/{decision.id}/download.pdf")
    second = client.get(f"/documents/{decision.id}/download.pdf")
    assert first.status_code == 200
    assert hashlib.sha256(first.data).hexdigest() == decision.pdf_sha256
    assert first.headers["Content-Disposition"].startswith("attachment")
    assert first.headers["Cache-Control"] == "no-store"
    assert first.data == second.data == service.pdf_bytes(decision)


def test_documents_outside_the_scope_are_missing(world, login):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    decision = issued(case_id)
    client = login("sec1b")
    for url in (
        f"/documents/{decision.id}",
        f"/documents/{decision.id}/download.pdf",
        f"/documents/{decision.id}/preview.pdf",
    ):
        assert client.get(url).status_code == 404


def test_public_verification_shows_the_heading_and_checks_a_file(world, client):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    decision = issued(case_id)
    data = service.pdf_bytes(decision)
    token = decision.verify_token
    page = client.get(f"/verify/{token}")  # anonymous: the QR code's target
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    for expected in ("Số 1-QĐ/ĐUK", decision.pdf_sha256, "Quyết định về việc kết nạp đảng viên"):
        assert expected in body
    assert "Nguyễn Thị Hằng" not in body  # no personal data
    same = client.post(
        f"/verify/{token}",
        data={"file": (io.BytesIO(data), "qd.pdf")},
        content_type="multipart/form-data",
    )
    assert "trùng khớp với bản gốc" in same.get_data(as_text=True)
    changed = client.post(
        f"/verify/{token}",
        data={"file": (io.BytesIO(data + b"\n%x"), "qd.pdf")},
        content_type="multipart/form-data",
    )
    assert "KHÔNG trùng khớp" in changed.get_data(as_text=True)
    not_pdf = client.post(
        f"/verify/{token}",
        data={"file": (io.BytesIO(b"<html>"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert not_pdf.status_code == 422
    assert "không phải là tệp PDF" in not_pdf.get_data(as_text=True)
    assert client.get("/verify/khong-ton-tai").status_code == 404


def test_a_meeting_is_approved_in_one_go_and_printed_as_one_file_and_a_zip(
    app, world, login, storage
):
    cases = []
    for i, cell in enumerate(("C1", "C1B", "GC4")):
        cid = world.new_candidate(cell, name=f"Nguyễn Văn {'ABC'[i]}n")
        world.advance(cid, "department_appraised")
        cases.append(cid)
    client = login("signer")
    page = client.get("/documents/approve")
    assert all(f'value="{c}"' in page.get_data(as_text=True) for c in cases)
    versions = {f"version-{c}": db.session.get(Case, c).version for c in cases}
    bad = client.post(
        "/documents/approve",
        data={"case": cases, **MEETING, "password": "sai-roi", **versions},
    )
    assert bad.status_code == 422
    assert (
        db.session.scalar(
            select(func.count()).select_from(Decision).where(Decision.status == "issued")
        )
        == 0
    )
    done = client.post(
        "/documents/approve",
        data={"case": cases, **MEETING, "password": PASSWORD, **versions},
    )
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/documents/meetings/upper/2026-03-05")
    db.session.rollback()
    assert sorted(issued(c).number for c in cases) == [1, 2, 3]
    job = client.post("/documents/meetings/upper/2026-03-05/print")
    assert job.status_code == 302
    job_page = client.get(job.headers["Location"])
    assert "Đã xong 3 quyết định" in job_page.get_data(as_text=True)
    job_id = re.search(r"/documents/jobs/(\d+)", job.headers["Location"]).group(1)
    combined = client.get(f"/documents/jobs/{job_id}/combined.pdf")
    assert len(PdfReader(io.BytesIO(combined.data)).pages) == 3
    assert combined.headers["Content-Length"] == str(len(combined.data))
    # the outputs are where the storage keeps files: any server can send them
    db.session.rollback()
    outputs = db.session.scalars(
        select(StoredFile.key).where(StoredFile.key.like("documents/batches/%"))
    ).all()
    folder = Path(app.instance_path) / "documents" / "batches"
    on_disk = sorted(p.name for p in folder.glob("*")) if folder.exists() else []
    if storage == "database":
        assert len(outputs) == 2 and on_disk == []
    else:
        assert outputs == [] and len(on_disk) == 2
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/documents/jobs/{job_id}/decisions.zip").data)
    )
    assert sorted(archive.namelist()) == [
        f"admission-{n}-QĐ-DUK.pdf".replace("Đ", "D") for n in (1, 2, 3)
    ]
    for name in archive.namelist():
        number = int(name.split("-")[1])
        decision = next(issued(c) for c in cases if issued(c).number == number)
        assert archive.read(name) == service.pdf_bytes(decision)
    # another signer, who may print the meeting too, sees it; a cell secretary does not
    assert login("signer2").get(f"/documents/jobs/{job_id}").status_code == 200
    assert login("sec1").get(f"/documents/jobs/{job_id}").status_code in (403, 404)


def test_batch_rendering_in_worker_processes_matches_single_rendering(app):
    from tests.documents.samples import KINDS, SAMPLES
    from workflow.documents.batch import render_many
    from workflow.documents.render import html_to_pdf, render_html

    htmls = [render_html(KINDS[k], v) for k, v in SAMPLES.items()]
    assert render_many(htmls, processes=2) == [html_to_pdf(h) for h in htmls]


def test_no_route_changes_an_issued_decision(world, login):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    decision = issued(case_id)
    before = (decision.number, decision.html, decision.pdf_sha256, decision.snapshot)
    signer = login("signer")
    assert (
        signer.post(
            f"/documents/{decision.id}/sign",
            data={"decided_on": "05/03/2026", "password": PASSWORD},
        ).status_code
        == 403
    )
    version = db.session.get(Case, case_id).version
    again = signer.post(
        f"/cases/{case_id}/do/approve_admission",
        data={**SIGNING, "expected_version": version, "password": PASSWORD},
    )
    assert again.status_code == 302  # not allowed in this state: back to the case page
    for method, url in (
        ("put", f"/documents/{decision.id}"),
        ("delete", f"/documents/{decision.id}"),
        ("post", f"/documents/{decision.id}/download.pdf"),
    ):
        assert getattr(signer, method)(url).status_code == 405
    after = issued(case_id)
    assert (after.number, after.html, after.pdf_sha256, after.snapshot) == before


def test_cli_render_writes_the_stored_file(app, world, tmp_path):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    decision = issued(case_id)
    out = tmp_path / "qd.pdf"
    result = app.test_cli_runner().invoke(args=["wf", "render", str(decision.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == service.pdf_bytes(decision)
    assert decision.pdf_sha256 in result.output
    missing = app.test_cli_runner().invoke(args=["wf", "render", "9999", "-o", str(out)])
    assert missing.exit_code != 0


def test_one_meeting_decides_admissions_and_recognitions_and_records_its_vote(world, login):
    admission = world.new_candidate("C1", name="Nguyễn Văn An")
    world.advance(admission, "department_appraised")
    short = world.new_candidate("GC4", name="Nguyễn Văn Bình")
    world.advance(short, "department_appraised")
    admitted = world.new_candidate("C1B", name="Trần Thị Cúc")
    world.advance(admitted, "admitted")
    probation = world.probation_of(admitted)
    world.advance(probation, "department_appraised")
    day = max(db.session.get(Case, c).last_event_on for c in (admission, short, probation))
    client = login("signer")
    body = client.get("/documents/approve").get_data(as_text=True)
    for c in (admission, short, probation):
        assert f'id="case-{c}"' in body
    assert "Quyết định công nhận đảng viên chính thức" in body
    assert "Quyết định kết nạp đảng viên" in body
    versions = {
        f"version-{c}": db.session.get(Case, c).version for c in (admission, short, probation)
    }
    meeting = {
        "meeting_on": day.strftime("%d/%m/%Y"),
        "members_total": "11",
        "members_present": "9",
    }
    done = client.post(
        "/documents/approve",
        data={
            "case": [admission, short, probation],
            **meeting,
            # the second was not carried: 5 of 11 is not more than half of the members
            f"yes-{short}": "5",
            f"no-{short}": "4",
            "password": PASSWORD,
            **versions,
        },
    )
    assert done.status_code == 422
    text = done.get_data(as_text=True)
    assert "Đã ký duyệt 2/3" in text or "2/3" in text
    assert "chưa quá một nửa tổng số ủy viên" in text
    db.session.rollback()
    assert db.session.get(Case, admission).state == "admission_decided"
    assert db.session.get(Case, probation).state == "official"
    assert db.session.get(Case, short).state == "department_appraised"
    votes = db.session.scalars(
        select(Vote).where(Vote.body == "standing", Vote.case_id.in_((admission, short, probation)))
    ).all()
    assert sorted((v.case_id, v.official_total, v.present, v.yes, v.no) for v in votes) == [
        (admission, 11, 9, 9, 0),
        (probation, 11, 9, 9, 0),
    ]
    kinds = {issued(c).kind for c in (admission, probation)}
    assert kinds == {"admission", "recognition"}
