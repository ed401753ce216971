"""With an organization certificate (PKCS#12) configured, issued PDFs carry a PAdES signature
in an invisible field, and the verification page reports it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pypdf import PdfReader
from sqlalchemy import select

from workflow.documents import service, signing
from workflow.extensions import db
from workflow.models import Decision

PASSPHRASE = "chung-thu-thu-nghiem"


@pytest.fixture
def certificate(app, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Đảng ủy Khối (thử nghiệm)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Văn phòng Đảng ủy Khối (TEST)"),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    path = tmp_path / "org.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"org", key, cert, None, serialization.BestAvailableEncryption(PASSPHRASE.encode())
        )
    )
    app.config["SIGNING_PKCS12"] = str(path)
    app.config["SIGNING_PASSPHRASE"] = PASSPHRASE
    return cert


def test_issued_pdf_is_signed_and_the_signature_validates(world, certificate):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    db.session.rollback()
    decision = db.session.scalars(
        select(Decision).where(Decision.case_id == case_id, Decision.status == "issued")
    ).one()
    assert decision.signed is True
    data = service.pdf_bytes(decision)
    reader = PdfReader(io.BytesIO(data))
    fields = reader.get_fields()
    assert "ChuKySo" in fields
    widget = next(
        a.get_object() for a in reader.pages[0]["/Annots"] if a.get_object().get("/T") == "ChuKySo"
    )
    assert [float(x) for x in widget["/Rect"]] == [0, 0, 0, 0]  # invisible
    [result] = signing.validate(data)
    assert result["intact"] and result["valid"] and result["trusted"]
    assert result["covers_whole_file"]
    assert "Văn phòng Đảng ủy Khối (TEST)" in result["signer"]


def test_verification_page_reports_the_signature_and_catches_an_edit(world, certificate, client):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    db.session.rollback()
    decision = db.session.scalars(
        select(Decision).where(Decision.case_id == case_id, Decision.status == "issued")
    ).one()
    page = client.get(f"/verify/{decision.verify_token}").get_data(as_text=True)
    assert "nguyên vẹn, hợp lệ, chứng thư được tin cậy" in page
    data = service.pdf_bytes(decision)
    tampered = data.replace(b"Nguy", b"NGUY", 1) if b"Nguy" in data else data + b"%x"
    reply = client.post(
        f"/verify/{decision.verify_token}",
        data={"file": (io.BytesIO(tampered), "qd.pdf")},
        content_type="multipart/form-data",
    )
    assert "KHÔNG trùng khớp" in reply.get_data(as_text=True)


def test_without_a_certificate_documents_are_unsigned(world):
    case_id = world.new_candidate("C1")
    world.advance(case_id, "admission_decided")
    db.session.rollback()
    decision = db.session.scalars(select(Decision).where(Decision.case_id == case_id)).one()
    assert decision.signed is False
    assert "/ByteRange" not in service.pdf_bytes(decision).decode("latin-1")
