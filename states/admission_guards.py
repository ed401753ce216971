"""Guards of the admission procedure (§2(a) G1–G8 of the domain reference).

Each guard reads the frozen facts, the event date and (at submission) the payload, and explains
itself in Vietnamese when it fails.
"""

from __future__ import annotations

from datetime import timedelta

from states.dates import (
    add_months,
    age_in_months,
    format_months,
    full_months_between,
    vn_date,
)
from states.facts import EDUCATION_LEVELS, EDUCATION_RANK, AdmissionFacts
from states.guards import (  # noqa: F401  (shared guards the admission table uses)
    extension_available,
    grassroots_authorized,
    grassroots_not_authorized,
    has_grassroots_committee,
    is_grassroots_cell,
    not_under_subcommittee,
    paused_from,
    signer_not_proposer,
    under_subcommittee,
    until_today,
)
from states.spec import Guard, GuardContext, Verdict

EDUCATION_LABELS = dict(EDUCATION_LEVELS)


def _facts(ctx: GuardContext) -> AdmissionFacts:
    return ctx.facts


def age_in_range(ctx: GuardContext) -> Verdict:
    """G1: 18 full years to 60, counted in months on the cell meeting date."""
    f = _facts(ctx)
    months = age_in_months(f.person.birth_date, ctx.event_date)
    low, high = ctx.rules["admission.min_age_months"], ctx.rules["admission.max_age_months"]
    if months < low:
        return Verdict.failed(
            "admission.age_below_minimum",
            f"Chưa đủ {low // 12} tuổi tại ngày {vn_date(ctx.event_date)}: "
            f"mới {format_months(months)}.",
        )
    if months > high:
        message = (
            f"Trên {high // 12} tuổi tại ngày {vn_date(ctx.event_date)} "
            f"({format_months(months)}): chỉ kết nạp theo trường hợp đặc biệt, cần văn bản "
            "đồng ý của cấp ủy trực thuộc Trung ương."
        )
        if ctx.payload is None:
            return Verdict(
                ok=True, pending=True, code="admission.age_special_route", message=message
            )
        if not ctx.payload.get("over_age_approval"):
            return Verdict.failed("admission.age_above_maximum", message, "over_age_approval")
    return Verdict.passed()


def education_sufficient(ctx: GuardContext) -> Verdict:
    """G2: lower-secondary diploma or higher."""
    f = _facts(ctx)
    required = ctx.rules["admission.min_education"]
    if EDUCATION_RANK.get(f.person.education, -1) < EDUCATION_RANK[required]:
        return Verdict.failed(
            "admission.education_insufficient",
            f"Trình độ học vấn ({EDUCATION_LABELS.get(f.person.education, 'chưa ghi')}) chưa đạt: "
            f"cần {EDUCATION_LABELS[required].lower()} trở lên.",
        )
    return Verdict.passed()


def certificate_valid(ctx: GuardContext) -> Verdict:
    """G3/G4: an awareness-class certificate younger than its validity on the meeting date."""
    f = _facts(ctx)
    if f.certificate is None:
        return Verdict.failed(
            "admission.certificate_missing",
            "Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng.",
        )
    validity = ctx.rules["admission.certificate_validity_months"]
    expires = add_months(f.certificate.issued_on, validity)
    if ctx.event_date >= expires:
        age = full_months_between(f.certificate.issued_on, ctx.event_date)
        return until_today(
            ctx,
            "admission.certificate_expired",
            f"Giấy chứng nhận số {f.certificate.number} cấp ngày "
            f"{vn_date(f.certificate.issued_on)} đã quá {validity} tháng tại ngày "
            f"{vn_date(ctx.event_date)} ({age} tháng): cần học lại lớp nhận thức về Đảng.",
        )
    return Verdict.passed()


def class_named(ctx: GuardContext) -> Verdict:
    """Sending someone to a class names the class: one of the list, or one held elsewhere."""
    payload = ctx.payload or {}
    if ctx.payload is None or payload.get("training_class") or payload.get("class_name"):
        return Verdict.passed()
    return Verdict.failed(
        "admission.class_missing",
        "Chọn lớp trong danh sách, hoặc ghi tên lớp do cơ quan khác tổ chức.",
        "training_class",
    )


def certificate_held(ctx: GuardContext) -> Verdict:
    """G3/G4 at the time it is recorded: an awareness certificate, issued by the event date
    and still valid on it, is on the person's record (issued by a class, whatever case or
    roster put them on it)."""
    f = _facts(ctx)
    cert = f.certificate
    if cert is None or cert.issued_on > ctx.event_date:
        return Verdict.failed(
            "admission.certificate_missing",
            "Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng trong hồ sơ của người "
            "này (lớp cấp giấy chứng nhận cho học viên đạt).",
        )
    validity = ctx.rules["admission.certificate_validity_months"]
    if ctx.event_date >= add_months(cert.issued_on, validity):
        return Verdict.failed(
            "admission.certificate_expired",
            f"Giấy chứng nhận số {cert.number} cấp ngày {vn_date(cert.issued_on)} đã quá "
            f"{validity} tháng: cần học lại lớp nhận thức về Đảng.",
        )
    return Verdict.passed()


def certificate_has_expired(ctx: GuardContext) -> Verdict:
    """The inverse of G4, for recording that the certificate lapsed."""
    f = _facts(ctx)
    if f.certificate is None:
        return Verdict.failed("admission.certificate_missing", "Chưa có giấy chứng nhận.")
    validity = ctx.rules["admission.certificate_validity_months"]
    expires = add_months(f.certificate.issued_on, validity)
    if ctx.event_date < expires:
        return Verdict.not_applicable(
            "admission.certificate_still_valid",
            f"Giấy chứng nhận còn giá trị đến hết ngày {vn_date(expires - timedelta(days=1))}.",
        )
    return Verdict.passed()


SPONSOR_ROUTES: tuple[tuple[str, str], ...] = (
    ("two_members", "Hai đảng viên chính thức giới thiệu"),
    ("youth_union", "Ban Chấp hành Đoàn cơ sở và một đảng viên chính thức"),
    ("trade_union", "Ban Chấp hành Công đoàn cơ sở và một đảng viên chính thức"),
)
UNION_DOCUMENT = {"youth_union": "union_resolution", "trade_union": "trade_union_resolution"}


def sponsors_qualified(ctx: GuardContext) -> Verdict:
    """G5/G6: two official members with 12 months together, or a union resolution plus one."""
    f = _facts(ctx)
    if not f.sponsor_route or not f.sponsors:
        return Verdict.failed("admission.sponsors_missing", "Chưa ghi người giới thiệu.")
    needed = ctx.rules["admission.sponsor_count"] if f.sponsor_route == "two_members" else 1
    if len(f.sponsors) < needed:
        return Verdict.failed(
            "admission.sponsors_too_few",
            f"Cần {needed} đảng viên chính thức giới thiệu, mới có {len(f.sponsors)}.",
        )
    if f.sponsor_route in UNION_DOCUMENT and UNION_DOCUMENT[f.sponsor_route] not in f.documents:
        return Verdict.failed(
            "admission.union_resolution_missing",
            "Chưa có nghị quyết giới thiệu của Ban Chấp hành Đoàn/Công đoàn cơ sở.",
        )
    shared = ctx.rules["admission.sponsor_shared_months"]
    for s in f.sponsors:
        introduced = s.introduced_on or ctx.event_date
        if s.official_since is None or s.official_since > min(introduced, ctx.event_date):
            return Verdict.failed(
                "admission.sponsor_not_official",
                f"Người giới thiệu {s.full_name} chưa là đảng viên chính thức tại ngày "
                f"{vn_date(min(introduced, ctx.event_date))}.",
            )
        together = full_months_between(s.together_since, introduced)
        if not s.replacement and together < shared:
            return Verdict.failed(
                "admission.sponsor_too_recent",
                f"Người giới thiệu {s.full_name} mới cùng công tác, học tập hoặc sinh hoạt với "
                f"người vào Đảng {together} tháng đến ngày giới thiệu {vn_date(introduced)} "
                f"(cần ít nhất {shared} tháng).",
            )
        if not s.same_grassroots:
            return Verdict.failed(
                "admission.sponsor_other_organization",
                f"Người giới thiệu {s.full_name} không sinh hoạt trong cùng đảng bộ, chi bộ cơ sở.",
            )
    return Verdict.passed()


def _required_documents(f: AdmissionFacts, stage: str) -> list[str]:
    required = [
        "awareness_certificate",
        "application",
        "biography",
        "sponsor_letter",
        "opinions",
        "verification_request",
    ]
    if f.sponsor_route in UNION_DOCUMENT:
        required.append(UNION_DOCUMENT[f.sponsor_route])
    if stage == "department":
        required.append("cell_resolution")
        if f.org.has_subcommittee:
            required.append("subcommittee_report")
        if not f.org.is_grassroots_cell:
            required.append("grassroots_resolution")
    return required


def documents_present(stage: str) -> Guard:
    """The dossier holds every document the stage needs, by form code."""

    def guard(ctx: GuardContext) -> Verdict:
        f = _facts(ctx)
        forms = ctx.rules["admission.forms"]
        missing = [forms[p][0] for p in _required_documents(f, stage) if p not in f.documents]
        if missing:
            return Verdict.failed(
                "admission.documents_missing", "Hồ sơ còn thiếu: " + ", ".join(missing) + "."
            )
        return Verdict.passed()

    guard.__name__ = f"documents_present_{stage}"
    return guard


def verification_answered(ctx: GuardContext) -> Verdict:
    """G7/G8: every verification request answered and none raising a concern."""
    v = _facts(ctx).verification
    if v.total == 0:
        return Verdict.failed("admission.verification_not_sent", "Chưa gửi yêu cầu thẩm tra nào.")
    if v.answered < v.total:
        return Verdict.failed(
            "admission.verification_pending",
            f"Còn {v.total - v.answered}/{v.total} yêu cầu thẩm tra chưa có kết quả.",
        )
    if v.concerns:
        return Verdict.failed(
            "admission.verification_concerns",
            f"Có {v.concerns} kết quả thẩm tra cần làm rõ: tạm dừng hồ sơ để xem xét.",
        )
    return Verdict.passed()


def ceremony_in_time(ctx: GuardContext) -> Verdict:
    """A ceremony later than 30 working days needs the superior committee's approval first."""
    f = _facts(ctx)
    if (
        f.ceremony_due is not None
        and ctx.event_date > f.ceremony_due
        and not f.late_ceremony_approved
    ):
        return until_today(
            ctx,
            "admission.ceremony_late",
            f"Quá hạn tổ chức lễ kết nạp (hạn {vn_date(f.ceremony_due)}): cần ghi nhận ý kiến "
            "đồng ý của cấp ủy cấp trên trực tiếp trước.",
        )
    return Verdict.passed()


def sponsor_rows_match_route(ctx: GuardContext) -> Verdict:
    """The sponsor form names as many distinct members as its route needs."""
    p = ctx.payload
    if p is None:
        return Verdict.needs_input()
    route = p["route"]
    needed = ctx.rules["admission.sponsor_count"] if route == "two_members" else 1
    rows = p.get("sponsors") or []
    if len(rows) != needed:
        return Verdict.failed(
            "admission.sponsor_count_mismatch",
            f"Hình thức giới thiệu này cần đúng {needed} đảng viên chính thức.",
            "sponsors",
        )
    ids = [row["member"] for row in rows]
    if len(set(ids)) != len(ids):
        return Verdict.failed(
            "admission.sponsor_duplicate",
            "Hai người giới thiệu phải là hai người khác nhau.",
            "sponsors",
        )
    if _facts(ctx).person.id in ids:
        return Verdict.failed(
            "admission.sponsor_is_applicant",
            "Người vào Đảng không tự giới thiệu mình.",
            "sponsors",
        )
    shared = ctx.rules["admission.sponsor_shared_months"]
    for i, row in enumerate(rows):
        together = full_months_between(row["together_since"], ctx.event_date)
        if not row.get("replacement") and together < shared:
            return Verdict.failed(
                "admission.sponsor_too_recent",
                f"Đến ngày giới thiệu {vn_date(ctx.event_date)} người giới thiệu mới cùng công "
                f"tác, học tập hoặc sinh hoạt với người vào Đảng {together} tháng (cần ít nhất "
                f"{shared} tháng, trừ người được chi bộ phân công thay thế).",
                f"sponsors-{i}-together_since",
            )
    if route != "two_members" and not p.get("union_resolution_number"):
        return Verdict.failed(
            "admission.union_resolution_number_missing",
            "Cần số nghị quyết giới thiệu của Ban Chấp hành Đoàn/Công đoàn cơ sở.",
            "union_resolution_number",
        )
    return Verdict.passed()
