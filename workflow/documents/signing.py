"""Digital signature of issued PDFs with the organization's certificate, when configured.

A PAdES signature (pyHanko) in an invisible field: the visible signature block is part of the
document's HTML. Without a configured PKCS#12 file everything else works unsigned.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from flask import current_app


def configured() -> bool:
    return bool(current_app.config.get("SIGNING_PKCS12"))


def _signer():
    from pyhanko.sign import signers

    config = current_app.config
    passphrase = config.get("SIGNING_PASSPHRASE")
    return signers.SimpleSigner.load_pkcs12(
        pfx_file=str(Path(config["SIGNING_PKCS12"])),
        passphrase=passphrase.encode("utf-8") if passphrase else None,
    )


def sign(pdf: bytes, *, reason: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = _signer()
    if signer is None:
        raise RuntimeError("không đọc được chứng thư số của tổ chức (PKCS#12)")
    metadata = signers.PdfSignatureMetadata(
        field_name="ChuKySo",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=current_app.config["PLACE_NAME"],
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    pdf_signer = signers.PdfSigner(
        metadata, signer=signer, new_field_spec=fields.SigFieldSpec(sig_field_name="ChuKySo")
    )
    return pdf_signer.sign_pdf(writer).getvalue()


def validate(pdf: bytes) -> list[dict]:
    """Each signature's state as the verification page reports it."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(BytesIO(pdf))
    results = []
    trust = _trust_roots()
    for embedded in reader.embedded_signatures:
        status = validate_pdf_signature(
            embedded, ValidationContext(trust_roots=trust, allow_fetching=False)
        )
        results.append(
            {
                "signer": status.signing_cert.subject.human_friendly if status.signing_cert else "",
                "intact": bool(status.intact),
                "valid": bool(status.valid),
                "trusted": bool(status.trusted),
                "covers_whole_file": status.coverage.name == "ENTIRE_FILE",
                "signed_at": str(status.signer_reported_dt or ""),
            }
        )
    return results


def _trust_roots():
    """The organization certificate itself is the trust anchor the page checks against."""
    if not configured():
        return []
    signer = _signer()
    return [signer.signing_cert] if signer is not None else []
