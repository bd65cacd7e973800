"""Meetings, cases, papers, attendance, minutes and the influence ledger (issue 4).

A body (bodies.Body) meets; each meeting has an agenda of cases (numbered per body and year,
"Sak 12/26"), papers, absence notices and attendance (meetings.py). The minutes record per case
the conclusion, the council's advice and any dissent; every piece of advice gets a recipient, a
due date and answers (fulgt / delvis fulgt / ikke fulgt / under behandling), kept as history
(minutes.py). Who belongs to the meetings, and the quorum, are reads in membership.py. Changes
go through services/, which writes the history in the same transaction.
"""

from .calendar import CalendarFeed
from .meetings import (
    DEFAULT_PAPER_DEADLINE_DAYS,
    AbsenceNotice,
    Attendance,
    AttendanceQuerySet,
    Case,
    CaseProposal,
    CaseQuerySet,
    Meeting,
    MeetingQuerySet,
    Paper,
    paper_path,
)
from .membership import (
    ANSWERING_ROLES,
    VOTING_ROLES,
    Quorum,
    member_terms,
    members_of,
)
from .minutes import (
    OPEN_STATUSES,
    Advice,
    AdviceQuerySet,
    AdviceResponse,
    AdviceStatus,
    CaseConclusion,
    Dissent,
    Minutes,
    MinutesComment,
    MinutesVersion,
)
from .reminders import Reminder

__all__ = [
    "ANSWERING_ROLES",
    "DEFAULT_PAPER_DEADLINE_DAYS",
    "OPEN_STATUSES",
    "VOTING_ROLES",
    "AbsenceNotice",
    "Advice",
    "AdviceQuerySet",
    "AdviceResponse",
    "AdviceStatus",
    "Attendance",
    "AttendanceQuerySet",
    "CalendarFeed",
    "Case",
    "CaseConclusion",
    "CaseProposal",
    "CaseQuerySet",
    "Dissent",
    "Meeting",
    "MeetingQuerySet",
    "Minutes",
    "MinutesComment",
    "MinutesVersion",
    "Paper",
    "Quorum",
    "Reminder",
    "member_terms",
    "members_of",
    "paper_path",
]
