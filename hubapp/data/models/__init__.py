"""All ORM models of hubapp, on one declarative ``Base`` (import from here)."""

from .base import Base, UTCDateTime, utcnow
from .episodes import (
    Assessment, AssessmentFactor, CaseNote, Closure, Episode, EpisodeChild, EpisodeReason, Need,
    NeedPerson, OutcomeMeasurement, SFClaim,
)
from .org import Agency, CodeListItem, HolidayOverride, Hub, Setting, Team, Worker, WorkerHub, WorkerRole
from .people import (
    Address, Family, FamilyMembership, Person, PersonAlias, PersonDobHistory, PersonIdentifier,
    PersonRelationship,
)
from .plans import GoalProgress, Meeting, MeetingAttendee, Plan, PlanAction, PlanGoal
from .records import AccessLog, AuditEvent, PrintedDocument
from .referrals import ConsentRecord, InformationShare, RequestForSupport, RequestNeed, RequestPerson
from .transfers import TransferEvent, TransferRequest

__all__ = [
    "AccessLog", "Address", "Agency", "Assessment", "AssessmentFactor", "AuditEvent", "Base",
    "CaseNote", "Closure", "CodeListItem", "ConsentRecord", "Episode", "EpisodeChild",
    "EpisodeReason", "Family", "FamilyMembership", "GoalProgress", "HolidayOverride", "Hub",
    "InformationShare", "Meeting", "MeetingAttendee", "Need", "NeedPerson", "OutcomeMeasurement",
    "Person", "PersonAlias", "PersonDobHistory", "PersonIdentifier", "PersonRelationship", "Plan",
    "PlanAction", "PlanGoal", "PrintedDocument", "RequestForSupport", "RequestNeed",
    "RequestPerson", "SFClaim", "Setting", "Team", "TransferEvent", "TransferRequest", "UTCDateTime",
    "Worker", "WorkerHub", "WorkerRole", "utcnow",
]
