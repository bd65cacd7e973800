"""The meetings app's verbs (services/meetings.py: meetings, cases, papers, attendance;
services/minutes.py: the minutes; services/ledger.py: the influence ledger), importable from
one place. The three modules import models, permissions and services/common.py, never each
other (an import-linter contract holds it); reads they share are on the models (who the
members are, the quorum, the advice to follow up). The errors are core's (core/errors.py),
named here so a view says `services.RefusedError`."""

from medvirke.core.errors import RefusedError, StaleEditError

from .common import MinutesLockedError
from .ledger import record_advice, respond_to_advice
from .meetings import (
    accept_proposal,
    add_case,
    answer_proposal,
    call_deputy,
    call_meeting,
    check_not_patient_case,
    contains_national_id,
    mark_held,
    plan_meeting,
    propose_case,
    publish_paper,
    record_attendance,
    send_absence_notice,
    update_case,
    update_meeting,
)
from .minutes import (
    add_dissent,
    approve_minutes,
    comment_on_minutes,
    correct_minutes,
    publish_minutes,
    remove_advice,
    remove_dissent,
    send_minutes_for_comments,
    snapshot,
    start_minutes,
    update_minutes,
)

__all__ = [
    "MinutesLockedError",
    "RefusedError",
    "StaleEditError",
    "accept_proposal",
    "add_case",
    "add_dissent",
    "answer_proposal",
    "approve_minutes",
    "call_deputy",
    "call_meeting",
    "check_not_patient_case",
    "comment_on_minutes",
    "contains_national_id",
    "correct_minutes",
    "mark_held",
    "plan_meeting",
    "propose_case",
    "publish_minutes",
    "publish_paper",
    "record_advice",
    "record_attendance",
    "remove_advice",
    "remove_dissent",
    "respond_to_advice",
    "send_absence_notice",
    "send_minutes_for_comments",
    "snapshot",
    "start_minutes",
    "update_case",
    "update_meeting",
    "update_minutes",
]
