"""candidates awaiting their ceremony carry the signed decision's date

The admission date is now set when the decision is signed (the ceremony confirms it); a
candidate whose decision was signed before that was recorded gets it from the decision.

Revision ID: 4d1e7a2c9b50
Revises: b63ea4da346c
Create Date: 2026-11-23 14:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "4d1e7a2c9b50"
down_revision = "b63ea4da346c"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        """
        UPDATE person SET admission_decision_on = (
            SELECT max(decision.decided_on) FROM decision
            JOIN membership_case ON membership_case.id = decision.case_id
            WHERE membership_case.person_id = person.id
              AND membership_case.procedure = 'admission'
              AND membership_case.closed_at IS NULL
              AND decision.kind = 'admission' AND decision.status = 'issued'
        )
        WHERE member_status = 'non_member' AND admission_decision_on IS NULL
        """
    )


def downgrade():
    op.execute(
        "UPDATE person SET admission_decision_on = NULL "
        "WHERE member_status = 'non_member' AND joined_on IS NULL"
    )
