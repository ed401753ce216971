"""Templates and rendering: the right text in NFC, only our font embedded, nothing fetched
from outside."""

from __future__ import annotations

import io
import unicodedata

import pytest
from pypdf import PdfReader

from tests.documents.samples import KINDS, SAMPLES
from tests.pdf_layout import layout_problems
from workflow.documents.fetcher import AssetFetcher
from workflow.documents.render import html_to_pdf, render_html, template_version


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def fonts(data: bytes) -> set[tuple[str, bool]]:
    """(base font name, embedded?) of every font the PDF uses."""
    found = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.add((str(font["/BaseFont"]), embedded))
    return found


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_every_template_prints_its_fields_in_nfc_with_only_our_font(app, kind):
    doc = SAMPLES[kind]
    data = html_to_pdf(render_html(KINDS[kind], doc))
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert unicodedata.is_normalized("NFC", text)
    normalized = " ".join(text.split())
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 15-QĐ/ĐUK",
        "Phú Thọ, ngày 05 tháng 3 năm 2026",
        "Nguyễn Thị Hằng",
        "Mường",
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ",
        "Lê Văn Thường",
        "Nơi nhận",
    ):
        assert expected in normalized, (kind, expected)
    assert layout_problems(data) == [], kind
    used = fonts(data)
    assert used, "no fonts found"
    assert all(embedded for _, embedded in used), used
    assert {name.split("+", 1)[1] for name, _ in used} <= {
        "Doc-Serif",
        "Doc-Serif-Bold",
        "Doc-Serif-Italic",
        "Doc-Serif-Bold-Italic",
    }


def test_admission_decision_reads_as_the_form(app):
    text = " ".join(
        pdf_text(html_to_pdf(render_html(KINDS["admission"], SAMPLES["admission"]))).split()
    )
    assert "QUYẾT ĐỊNH" in text
    assert "Về việc kết nạp đảng viên" in text
    assert "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;" in text
    assert "BAN THƯỜNG VỤ ĐẢNG ỦY KHỐI CÁC CƠ QUAN VÀ DOANH NGHIỆP TỈNH QUYẾT ĐỊNH" in text
    assert "Điều 1. Kết nạp đồng chí Nguyễn Thị Hằng, sinh ngày 15/03/2000" in text
    assert "vào Đảng Cộng sản Việt Nam" in text
    assert "30 ngày làm việc" in text
    assert "Điều 3." in text


def test_html_is_escaped_in_documents(app):
    doc = {
        **SAMPLES["admission"],
        "person": {
            **SAMPLES["admission"]["person"],
            "occupation": '<b>x</b><img src="file:///etc/passwd">{{ 7*7 }}',
        },
    }
    html = render_html(KINDS["admission"], doc)
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert '<img src="file:' not in html
    text = pdf_text(html_to_pdf(html))
    assert "{{ 7*7 }}" in text
    assert "49" not in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/secret.png",
        "https://example.org/x.css",
        "ftp://example.org/x",
        "data:image/png;base64,iVBORw0KGgo=",
        "/etc/hostname",
        "app-asset:../../../etc/passwd",
    ],
)
def test_fetcher_refuses_everything_but_our_assets(app, url):
    fetcher = AssetFetcher()
    html = (
        f'<html><head><link rel="stylesheet" href="{url}"></head><body>'
        f'<img src="{url}"><link rel="attachment" href="{url}"><p>x</p></body></html>'
    )
    data = html_to_pdf(html, fetcher=fetcher)
    assert data.startswith(b"%PDF-")
    assert fetcher.refused, "the URL was not refused"
    assert all(
        u.startswith(url.split(":")[0]) or u.startswith("app-asset:") for u in fetcher.refused
    )
    assert b"/EmbeddedFile" not in data
    assert b"root:" not in data


def test_fetcher_serves_the_fonts(app):
    fetcher = AssetFetcher()
    response = fetcher.fetch("app-asset:fonts/LiberationSerif-Regular.ttf")
    assert response.read()[:4] == b"\x00\x01\x00\x00"


def test_template_version_follows_the_source(app):
    version = template_version(KINDS["admission"])
    assert len(version) == 12
    assert version == template_version(KINDS["admission"])
    assert version != template_version(KINDS["recognition"])


def test_same_html_gives_the_same_bytes(app):
    html = render_html(KINDS["admission"], SAMPLES["admission"])
    assert html_to_pdf(html) == html_to_pdf(html)


def test_document_dates_come_from_the_decision(app):
    reader = PdfReader(
        io.BytesIO(html_to_pdf(render_html(KINDS["admission"], SAMPLES["admission"])))
    )
    assert str(reader.metadata["/CreationDate"]).startswith("D:20260305")
    assert "/ModDate" not in reader.metadata
