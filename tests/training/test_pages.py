"""The class pages end to end: the list with its filters and pages, the forms that create and
edit a class, put trainees on it (on file, or written from their citizen ID), the results
grid, certificates and their printed PDF; and who may see and do what."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.training.helpers import audit_actions, candidate, new_class
from tests.web.helpers import field_block, hidden_value, page
from workflow.extensions import db
from workflow.models import Certificate, Person, PrintJob, TrainingClass, TrainingEnrollment
from workflow.training import operations


def fresh() -> None:
    """End the test's own read transaction: what the requests committed becomes visible."""
    db.session.rollback()


def _version(client, url: str) -> str:
    return hidden_value(page(client.get(url)), "expected_version")


def test_the_department_opens_a_class_and_edits_it(world, login):
    client = login("dept")
    assert client.get("/classes/new").status_code == 200
    bad = client.post(
        "/classes/new",
        data={"kind": "awareness", "title": "", "starts_on": "20/09/2025", "ends_on": "19/09/2025"},
    )
    assert bad.status_code == 422
    assert "Ghi tên lớp" in field_block(page(bad), "title")
    assert "không được trước ngày khai giảng" in field_block(page(bad), "ends_on")
    assert db.session.scalars(select(TrainingClass)).all() == []
    response = client.post(
        "/classes/new",
        data={
            "kind": "awareness",
            "title": "Lớp bồi dưỡng nhận thức về Đảng khóa 3/2025",
            "organizer_id": "",
            "starts_on": "15/09/2025",
            "ends_on": "19/09/2025",
            "place": "Hội trường Đảng ủy Khối",
            "opening_decision": "125-QĐ/ĐUK",
        },
    )
    assert response.status_code == 302
    fresh()
    cls = db.session.scalars(select(TrainingClass)).one()
    assert response.headers["Location"] == f"/classes/{cls.id}"
    body = page(client.get(f"/classes/{cls.id}"))
    assert "125-QĐ/ĐUK" in body and "15/09/2025 – 19/09/2025" in body
    version = _version(client, f"/classes/{cls.id}/edit")
    data = {
        "kind": "awareness",
        "title": cls.title,
        "organizer_id": "",
        "starts_on": "15/09/2025",
        "ends_on": "20/09/2025",
        "place": "Phòng họp B",
        "expected_version": version,
    }
    assert client.post(f"/classes/{cls.id}/edit", data=data).status_code == 302
    # the same form sent again is stale: nothing written, the page says so
    stale = client.post(f"/classes/{cls.id}/edit", data={**data, "place": "Phòng C"})
    assert stale.status_code == 303
    fresh()
    assert db.session.get(TrainingClass, cls.id).place == "Phòng họp B"


def test_trainees_on_file_and_new_ones_by_citizen_id(world, login):
    cls = new_class(world)
    person = candidate(world, "C1", "Lò Thị Sen")
    client = login("dept")
    added = client.post(
        f"/classes/{cls.id}/trainees",
        data={"citizen_id": person.citizen_id, "position": "candidate"},
    )
    assert added.status_code == 302
    # someone not on file: the department writes their record with the roster row
    unknown = "025080001234"
    ask = client.post(f"/classes/{cls.id}/trainees", data={"citizen_id": unknown})
    assert (
        ask.status_code == 302
        and "/trainees/new?citizen_id=025080001234" in ask.headers["Location"]
    )
    form = page(client.get(ask.headers["Location"]))
    assert hidden_value(form, "citizen_id") == unknown
    new_data = {
        "citizen_id": unknown,
        "full_name": "hoàng văn nam",
        "birth_date": "12/04/1980",
        "sex": "male",
        "ethnicity": "Tày",
        "religion": "Không",
        "home_town": "xã Yên Lập, tỉnh Phú Thọ",
        "education": "university",
        "occupation": "Kỹ sư",
        "cell_id": str(world.orgs["C2"]),
        "position": "",
    }
    bad = client.post(f"/classes/{cls.id}/trainees/new", data={**new_data, "birth_date": ""})
    assert bad.status_code == 422
    fresh()
    assert db.session.scalars(select(Person).where(Person.citizen_id == unknown)).first() is None
    created = client.post(f"/classes/{cls.id}/trainees/new", data=new_data)
    assert created.status_code == 302
    fresh()
    new_person = db.session.scalars(select(Person).where(Person.citizen_id == unknown)).one()
    assert (new_person.full_name, new_person.cell_id) == ("Hoàng Văn Nam", world.orgs["C2"])
    body = page(client.get(f"/classes/{cls.id}"))
    assert "Lò Thị Sen" in body and "Hoàng Văn Nam" in body
    assert body.index("Hoàng Văn Nam") < body.index("Lò Thị Sen")  # N before S


def test_results_grid_certificates_and_the_printed_pdf(world, login):
    cls = new_class(world)
    people = [candidate(world, "C1", n) for n in ("Đinh Thị Ánh", "Mai Văn Lộc")]
    rows = [
        operations.add_trainee(cls.id, {"person": p.id}, actor=world.actor("dept")) for p in people
    ]
    client = login("dept")
    grid = page(client.get(f"/classes/{cls.id}/results"))
    version = hidden_value(grid, "expected_version")
    bad = client.post(
        f"/classes/{cls.id}/results",
        data={
            "expected_version": version,
            f"attendance-{rows[0].id}": "",
            f"result-{rows[0].id}": "good",
        },
    )
    assert bad.status_code == 422
    assert "Ghi mức tham gia trước khi ghi kết quả." in page(bad)
    saved = client.post(
        f"/classes/{cls.id}/results",
        data={
            "expected_version": version,
            f"attendance-{rows[0].id}": "full",
            f"result-{rows[0].id}": "excellent",
            f"attendance-{rows[1].id}": "full",
            f"result-{rows[1].id}": "good",
            f"note-{rows[1].id}": "Tích cực phát biểu",
        },
    )
    assert saved.status_code == 302
    detail = page(client.get(f"/classes/{cls.id}"))
    version = hidden_value(detail, "expected_version")
    issued = client.post(
        f"/classes/{cls.id}/certificates",
        data={"issued_on": "20/09/2025", "expected_version": version},
    )
    assert issued.status_code == 302
    fresh()
    numbers = sorted(db.session.scalars(select(Certificate.number)))
    assert numbers == ["1/CN-NTVĐ", "2/CN-NTVĐ"]
    printed = client.post(f"/classes/{cls.id}/print", data={})
    assert printed.status_code == 302
    fresh()
    job = db.session.scalars(select(PrintJob)).one()
    assert (job.kind, job.subject_id, job.status, job.total, job.done) == (
        "class_certificates",
        cls.id,
        "done",
        2,
        2,
    )
    assert "Đã xong 2 giấy chứng nhận." in page(client.get(printed.headers["Location"]))
    pdf = client.get(f"/classes/{cls.id}/print/{job.id}/giay-chung-nhan.pdf")
    assert pdf.status_code == 200 and pdf.data[:5] == b"%PDF-"
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 2
    first = reader.pages[0].extract_text()
    assert "GIẤY CHỨNG NHẬN" in first and "Đinh Thị Ánh" in first and "Số: 1/CN-NTVĐ" in first
    assert "Xếp loại: Giỏi" in first
    # another class's job is not reachable through this class, nor through the documents pages
    other = new_class(world, title="Lớp khác")
    assert client.get(f"/classes/{other.id}/print/{job.id}").status_code == 404
    assert client.get(f"/documents/jobs/{job.id}").status_code == 404


def test_a_cell_secretary_sees_their_own_trainees_and_proposes_their_own_people(world, login):
    cls = new_class(world)
    own, other = candidate(world, "C1", "Trịnh Thị Duyên"), candidate(world, "C2", "Kha Văn Tài")
    operations.add_trainee(cls.id, {"person": other.id}, actor=world.actor("dept"))
    client = login("sec1")
    assert client.get("/classes/").status_code == 200
    body = page(client.get(f"/classes/{cls.id}"))
    assert "Kha Văn Tài" not in body  # another cell's trainee
    assert re.search(rf'<option value="{own.id}">Trịnh Thị Duyên', body)  # offered to propose
    assert "Ghi tham gia, kết quả" not in body and "Cấp giấy chứng nhận" not in body
    proposed = client.post(f"/classes/{cls.id}/trainees", data={"person": str(own.id)})
    assert proposed.status_code == 302
    fresh()
    row = db.session.scalars(
        select(TrainingEnrollment).where(TrainingEnrollment.person_id == own.id)
    ).one()
    assert row.status == "proposed"
    refused = client.post(f"/classes/{cls.id}/trainees", data={"citizen_id": other.citizen_id})
    assert refused.status_code == 422
    for url in (
        f"/classes/{cls.id}/results",
        f"/classes/{cls.id}/edit",
        "/classes/new",
        f"/classes/{cls.id}/import",
    ):
        assert client.get(url).status_code == 403, url
    # the export holds only their own trainees
    export = client.get(f"/classes/{cls.id}/roster.xlsx")
    assert export.status_code == 200
    assert b"Kha" not in _sheet_text(export.data)


def _sheet_text(data: bytes) -> bytes:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True)
    return " ".join(
        str(v) for row in wb.worksheets[0].iter_rows(values_only=True) for v in row if v is not None
    ).encode()


@pytest.mark.parametrize(
    ("user", "index", "new", "detail", "results"),
    [
        ("sec1", 200, 403, 200, 403),
        ("gs1", 200, 403, 200, 403),
        ("dept", 200, 200, 200, 200),
        ("signer", 200, 403, 200, 403),
        ("inspector", 200, 403, 200, 403),
        ("auditor", 403, 403, 403, 403),
        ("admin", 403, 403, 403, 403),
    ],
)
def test_who_may_open_the_class_pages(world, login, user, index, new, detail, results):
    cls = new_class(world)
    client = login(user)
    assert client.get("/classes/").status_code == index
    assert client.get("/classes/new").status_code == new
    assert client.get(f"/classes/{cls.id}").status_code == detail
    assert client.get(f"/classes/{cls.id}/results").status_code == results
    assert client.post(f"/classes/{cls.id}/certificates", data={}).status_code in (
        (403,) if results == 403 else (303,)
    )  # the department's empty form is stale


def test_the_list_filters_and_pages(world, login):
    for i in range(27):
        day = date(2025, 1, 6) + (date(2025, 1, 8) - date(2025, 1, 1)) * i
        new_class(
            world,
            "awareness" if i % 3 else "new_member",
            title=f"Lớp số {i + 1}",
            starts_on=day.strftime("%d/%m/%Y"),
            ends_on=day.strftime("%d/%m/%Y"),
            organizer_id=str(world.orgs["G2"]) if i == 5 else "",
        )
    client = login("sec1")
    first = page(client.get("/classes/"))
    assert "27 lớp" in first
    assert first.count('href="/classes/') - first.count('href="/classes/"') >= 25
    assert "Lớp số 27" in first and "Lớp số 1<" not in first
    after = re.search(r'href="/classes/\?after=([^"]+)"', first).group(1)
    second = page(client.get(f"/classes/?after={after}"))
    assert "Lớp số 1<" in second and "Lớp số 27" not in second
    kind = page(client.get("/classes/?kind=new_member"))
    assert "9 lớp" in kind
    organizer = page(client.get(f"/classes/?organizer={world.orgs['G2']}"))
    assert "1 lớp" in organizer and "Lớp số 6<" in organizer
    assert "0 lớp" in page(client.get("/classes/?year=2024"))


def test_the_body_that_runs_classes_manages_them_and_reads_no_case_file(world, login):
    from workflow.models import Case, Grant
    from workflow.store.uow import unit_of_work

    with unit_of_work():  # the auditor's account becomes the training centre's
        for grant in db.session.scalars(
            select(Grant).where(Grant.user_id == world.users["auditor"])
        ):
            grant.role = "training"
    cls = new_class(world)
    client = login("auditor")
    for url in ("/classes/", "/classes/new", f"/classes/{cls.id}", f"/classes/{cls.id}/results"):
        assert client.get(url).status_code == 200, url
    assert client.get("/").status_code == 200
    assert client.get("/cases/").status_code == 403
    case_id = world.new_candidate("C1")
    assert db.session.get(Case, case_id) is not None
    assert client.get(f"/cases/{case_id}").status_code in (403, 404)


def test_one_certificate_is_printed_again_and_the_person_page_lists_the_classes(world, login):
    """A lost copy: the department prints that certificate alone (recorded in the trail); the
    person's page lists each class with its result and certificate, a failed one too."""
    passed = candidate(world, "C1", "Lã Thị Quế")
    failed = candidate(world, "C1", "Lã Văn Sơn")
    cls = new_class(world)
    for p in (passed, failed):
        operations.add_trainee(cls.id, {"person": p.id}, actor=world.actor("dept"))
    rows = {
        r.id: {"attendance": "full", "result": "good" if r.person_id == passed.id else "failed"}
        for r in cls.enrollments
    }
    operations.record_results(cls.id, rows, cls.version, actor=world.actor("dept"))
    db.session.expire_all()
    (cert,) = operations.issue_certificates(
        cls.id, {"issued_on": "19/09/2025"}, cls.version, actor=world.actor("dept")
    )
    cert_id, number, class_id = cert.id, cert.number, cls.id
    db.session.commit()

    client = login("dept")
    detail = client.get(f"/classes/{class_id}").get_data(as_text=True)
    url = f"/classes/{class_id}/certificates/{cert_id}.pdf"
    assert url in detail
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(response.data)).pages
    assert len(pages) == 1
    text = " ".join(pages[0].extract_text().split())
    assert "Lã Thị Quế" in text and number.split("/")[0] in text
    assert client.get(f"/classes/{class_id}/certificates/{cert_id + 99}.pdf").status_code == 404
    fresh()
    assert "class.certificate_reprinted" in audit_actions(class_id)

    person_page = client.get(f"/people/{passed.id}").get_data(as_text=True)
    assert "Lớp bồi dưỡng" in person_page and f"/classes/{class_id}" in person_page
    assert f"giấy chứng nhận số {number}" in person_page
    assert "không đạt" in client.get(f"/people/{failed.id}").get_data(as_text=True)
    # the cell secretary reads the page but does not print certificates
    assert login("sec1").get(url).status_code == 403
