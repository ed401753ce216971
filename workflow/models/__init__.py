"""All models, importable from one place."""

from workflow.models.attachments import AccessLogEntry, Attachment
from workflow.models.audit import AuditEntry, AuditHead
from workflow.models.badges import BadgeAward, BadgeRound
from workflow.models.base import Base, utcnow
from workflow.models.calendar import CalendarOverride
from workflow.models.cases import (
    Case,
    Deadline,
    DossierItem,
    Sponsor,
    VerificationRequest,
    Vote,
)
from workflow.models.discipline import DisciplineRecord
from workflow.models.documents import Decision, PrintJob, RegisterCounter
from workflow.models.files import StoredFile
from workflow.models.imports import ImportBatch
from workflow.models.jobs import JobRun
from workflow.models.orgs import CommitteePost, CommitteeTerm, Organization, OrgEvent, OrgVersion
from workflow.models.people import (
    CardIssuance,
    Certificate,
    HelperAssignment,
    MembershipGap,
    Person,
)
from workflow.models.queue import QUEUE_TABLES
from workflow.models.ratings import (
    MemberRating,
    ModelCellEntry,
    ModelCellRound,
    OrgRating,
    RatingPeriod,
)
from workflow.models.reports import (
    IssuedReport,
    ReportFact,
    ReportFactState,
    ReportSnapshot,
    Target,
)
from workflow.models.tokens import ApiToken
from workflow.models.training import RosterUpload, TrainingClass, TrainingEnrollment
from workflow.models.transfers import Transfer
from workflow.models.users import Grant, LoginThrottle, User

__all__ = [
    "QUEUE_TABLES",
    "AccessLogEntry",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "AuditHead",
    "BadgeAward",
    "BadgeRound",
    "Base",
    "CalendarOverride",
    "CardIssuance",
    "Case",
    "Certificate",
    "CommitteePost",
    "CommitteeTerm",
    "Deadline",
    "Decision",
    "DisciplineRecord",
    "DossierItem",
    "Grant",
    "HelperAssignment",
    "ImportBatch",
    "IssuedReport",
    "JobRun",
    "LoginThrottle",
    "MemberRating",
    "MembershipGap",
    "ModelCellEntry",
    "ModelCellRound",
    "OrgEvent",
    "OrgRating",
    "OrgVersion",
    "Organization",
    "Person",
    "PrintJob",
    "RatingPeriod",
    "RegisterCounter",
    "ReportFact",
    "ReportFactState",
    "ReportSnapshot",
    "RosterUpload",
    "Sponsor",
    "StoredFile",
    "Target",
    "TrainingClass",
    "TrainingEnrollment",
    "Transfer",
    "User",
    "VerificationRequest",
    "Vote",
    "utcnow",
]
