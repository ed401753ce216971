"""The year's rating figures: counted from the approved levels, by level and by kind of
organization, the shares written as the department writes them, the printed list and the
workbook; the commendation lists read the same record."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.ratings.helpers import approve, open_period, propose, rate_cell
from tests.web.helpers import page
from workflow.models import Organization
from workflow.ratings import operations, report


def test_shares_are_written_as_the_department_writes_them(app):
    assert report.percent(914, 1000) == "91,4%"
    assert report.percent(98, 100) == "98%"
    assert report.percent(209, 1000) == "20,9%"
    assert report.percent(1, 18) == "5,5%"  # cut off, not rounded
    assert report.percent(1, 0) == "—"


def _rated_2024(world):
    period = open_period(world, 2024)
    c1 = world.members["C1"]
    rate_cell(world, period, "C1", "excellent", {c1[0]: "excellent"})
    rate_cell(world, period, "C2", "good", {world.members["C2"][0]: "completed"})
    propose(world, period, "C3")  # proposed, not approved: waiting
    rows = {o.id: {"level": "good"} for o in operations.grassroots_orgs()}
    rows[world.orgs["G3"]] = {"level": "completed"}
    operations.rate_grassroots(period.id, rows, period.version, actor=world.actor("dept"))
    return period


def test_the_figures_by_level_and_kind_of_organization(world):
    period = _rated_2024(world)
    fig = report.figures(period)
    assert fig.members.counts == {"excellent": 1, "good": 16, "completed": 1}
    assert fig.members.rated == 18 and fig.members.waiting == 9
    assert fig.grassroots.counts == {"good": 3, "completed": 1}
    by_kind = {g.key: g for g in fig.orgs}
    assert by_kind["cell"].counts == {"excellent": 1, "good": 1}  # the cells' own levels
    assert by_kind["grassroots_committee"].counts == {"good": 2, "completed": 1}
    assert by_kind["grassroots_cell"].counts == {"good": 1}
    assert fig.sentence() == (
        "Có 75% TCCS Đảng và 94,4% đảng viên hoàn thành tốt nhiệm vụ (trong đó, có 0% TCCS "
        "Đảng và 5,5% đảng viên hoàn thành xuất sắc nhiệm vụ)."
    )
    # a grassroots committee's staff see their own organization only
    own = report.figures(period, world.actor("gs1").visible_filter(Organization.path))
    assert own.members.counts == {"excellent": 1, "good": 8} and own.grassroots.counts == {
        "good": 1
    }


def test_the_report_page_the_printed_list_and_the_workbook(world, login):
    period = _rated_2024(world)
    client = login("dept")
    body = page(client.get(f"/ratings/{period.id}/report"))
    assert "94,4% đảng viên" in body and "Chờ duyệt" in body
    pdf = client.get(f"/ratings/{period.id}/report.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "94,4%" in text and "BÁO CÁO" in text
    xlsx = client.get(f"/ratings/{period.id}/report.xlsx")
    ws = load_workbook(io.BytesIO(xlsx.data)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[1][0].startswith("Có 75% TCCS Đảng")
    members = next(r for r in values if r[0] == "Đảng viên")
    assert members[1:6] == [18, 1, 16, 1, 0]
    assert [r[0] for r in values[4:9]] == [
        "Tổ chức cơ sở đảng", "– Đảng bộ cơ sở", "– Chi bộ cơ sở",
        "Chi bộ trực thuộc đảng ủy cơ sở", "Đảng viên",
    ]  # fmt: skip
    # the auditor reads it too; a cell secretary does not
    assert login("auditor").get(f"/ratings/{period.id}/report").status_code == 200


def test_commendations_read_the_record(world, login):
    member = world.members["C1"][0]
    for year in range(2020, 2025):
        period = open_period(world, year)
        propose(world, period, "C1", {member: "excellent"})
        approve(world, period, "C1", "excellent")
        rows = {o.id: {"level": "good"} for o in operations.grassroots_orgs()}
        operations.rate_grassroots(period.id, rows, period.version, actor=world.actor("dept"))
    people, total = operations.years_excellent(2024, 5)
    assert [p.id for p in people] == [member] and total == 1
    assert operations.years_excellent(2025, 5)[1] == 0  # 2025 not rated: the run is broken
    client = login("dept")
    body = page(client.get("/ratings/commendations?year=2024"))
    assert "hoàn thành xuất sắc nhiệm vụ 5 năm liền (2020–2024)" in body
    assert "1 đảng viên" in body
    name = people[0].full_name
    pdf = client.get("/ratings/commendations.pdf?year=2024")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "DANH SÁCH" in text and name in text and "5 năm liền (2020–2024)" in text
    wb = load_workbook(io.BytesIO(client.get("/ratings/commendations.xlsx?year=2024").data))
    assert [c.value for c in wb["Đảng viên"][3]][1] == name


def test_commendations_within_the_readers_scope(world, login):
    member = world.members["C1"][0]
    for year in (2023, 2024):
        period = open_period(world, year)
        propose(world, period, "C1", {member: "excellent"})
        approve(world, period, "C1", "good")
    assert operations.years_excellent(2024, 2)[1] == 1
    own = world.actor("gs2").visible_filter(Organization.path)
    assert operations.years_excellent(2024, 2, scope=own) == ([], 0)
