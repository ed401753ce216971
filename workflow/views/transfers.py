"""Transfer pages: each side's lists, opening a transfer, and registering an incoming letter."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    request,
)

from workflow.clock import today
from workflow.ids import parse_id
from workflow.operations import letter_register
from workflow.operations import transfers as transfer_ops
from workflow.permissions import CASE_VIEW_ROLES, REPORT_READERS
from workflow.queries import visible_orgs
from workflow.web import current_actor, requires

bp = Blueprint("transfers", __name__, url_prefix="/transfers")


@bp.route("/")
@requires(*CASE_VIEW_ROLES)
def index():
    actor = current_actor()
    orgs = visible_orgs(actor)
    org_id = parse_id(request.args.get("org", ""))
    org = next((o for o in orgs if o.id == org_id), None)
    return render_template(
        "transfers/index.html",
        lists=transfer_ops.lists(actor, org, today()),
        orgs=orgs,
        org_id=org.id if org else None,
        may_read_register=bool(letter_register.registers_for(actor)),
    )


@bp.route("/register")
@requires(*REPORT_READERS)
def register():
    """The register of introduction letters (Mẫu 10-SHĐ) of one year, on the page or printed."""
    actor = current_actor()
    books = letter_register.registers_for(actor)
    if not books:
        abort(403)
    book = request.args.get("book") or books[0][0]
    if book not in dict(books):
        abort(404)
    this_year = today().year
    raw_year = request.args.get("year", "")
    year = int(raw_year) if raw_year.isascii() and raw_year.isdigit() else this_year
    if not 2000 <= year <= this_year:
        year = this_year
    reg = letter_register.build(book, year)
    if request.args.get("format") == "pdf":
        from workflow.documents.render import html_to_pdf

        pdf = html_to_pdf(letter_register.to_html(reg))
        response = Response(pdf, mimetype="application/pdf")
        response.headers["Content-Disposition"] = (
            f'attachment; filename="so-gioi-thieu-sinh-hoat-dang-{year}.pdf"'
        )
        return response
    return render_template(
        "transfers/register.html",
        reg=reg,
        books=books,
        years=range(this_year, max(2000, this_year - 10) - 1, -1),
    )
