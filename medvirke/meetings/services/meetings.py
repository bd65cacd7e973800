"""Workflows for meetings: plan → call (innkalling) → absence notices and deputies → attendance
→ held; cases and proposals; papers. Each verb runs in one transaction with its history, and
notifications are written in the same transaction (e-mail after commit, core.notify).

The minutes and the influence ledger are in minutes.py and ledger.py; what the three share is
in common.py, and the reads they need (members, quorum, follow-up items) are on the models.
Refusals are core's RefusedError (core/errors.py).
"""

import re
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.no import fodselsnummer

from medvirke.bodies.models import Body, Seat, Term
from medvirke.bodies.permissions import can_manage
from medvirke.bodies.services import secretariat_of
from medvirke.core.errors import RefusedError
from medvirke.core.files import files_removed_on_error
from medvirke.core.history import save_with_history
from medvirke.core.locking import require_version, save_version
from medvirke.core.notify import notify
from medvirke.organisations.models import Organisation
from medvirke.representatives.models import Representative

from ..models import (
    VOTING_ROLES,
    AbsenceNotice,
    Advice,
    Attendance,
    Case,
    CaseProposal,
    Meeting,
    Paper,
)
from ..validators import validate_upload
from .common import meeting_url, notify_members, url_for, when

# --- meetings -----------------------------------------------------------------------------------


def plan_meeting(
    body: Body,
    *,
    starts_at: datetime,
    ends_at: datetime,
    by: Any,
    place: str = "",
    video_link: str = "",
    title: str = "",
    paper_deadline_days: int | None = None,
) -> Meeting:
    """Put a meeting in the body's plan (status planned); nobody is told until it is called."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A meeting must end after it starts.")})
    meeting = Meeting(
        body=body,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        video_link=video_link,
        title=title,
        created_by=by,
    )
    if paper_deadline_days is not None:
        meeting.paper_deadline_days = paper_deadline_days
    with transaction.atomic():
        save_with_history(meeting, actor=by, parent=body)
    return meeting


def update_meeting(
    meeting: Meeting, *, by: Any, expected_version: int | None = None, **fields: Any
) -> Meeting:
    """Change a meeting's time, place, video link, title or paper deadline (the history keeps
    the old values). Once the meeting is held its time and place are settled. StaleEditError if
    someone saved the meeting after the form was opened at `expected_version`."""
    allowed = {"starts_at", "ends_at", "place", "video_link", "title", "paper_deadline_days"}
    if set(fields) - allowed:
        raise TypeError(f"cannot change {sorted(set(fields) - allowed)}")
    with transaction.atomic():
        m = meeting.locked("body")
        if m.status not in (Meeting.Status.PLANNED, Meeting.Status.CALLED):
            raise RefusedError(_("A held meeting can no longer be changed."))
        require_version(m, expected_version)
        for name, value in fields.items():
            setattr(m, name, value)
        if m.ends_at <= m.starts_at:
            raise ValidationError({"ends_at": _("A meeting must end after it starts.")})
        save_version(m, m, actor=by, parent=m.body)
    return m


def call_meeting(meeting: Meeting, *, by: Any) -> Meeting:
    """Call the meeting (innkalling): status called, and every member gets the time, place,
    agenda and the number of papers and open advice to follow up."""
    from ..links import absence_url

    with transaction.atomic():
        m = meeting.locked("body")
        if m.status != Meeting.Status.PLANNED:
            raise RefusedError(_("The meeting has already been called."))
        if m.has_started():
            raise RefusedError(_("The meeting has already started."))
        m.status = Meeting.Status.CALLED
        m.called_at = timezone.now()
        save_with_history(m, actor=by, parent=m.body)
        cases = list(Case.objects.on_agenda(m))
        agenda = "\n".join(f"{_('Case')} {c.reference} {c.title}" for c in cases)
        texts = [
            gettext_lazy(
                "%(body)s meets %(when)s–%(ends)s. Place: %(place)s. The papers are in "
                "Medvirke; send an absence notice there if you cannot come."
            ),
            gettext_lazy("Agenda:\n%(agenda)s") if agenda else "",
            gettext_lazy("%(follow_ups)s piece(s) of advice still await an answer.")
            if Advice.objects.follow_up(m.body, exclude_meeting=m).exists()
            else "",
            gettext_lazy("Cannot come? Send an absence notice in one step:\n%(absence_link)s"),
        ]
        params = {
            "body": m.body,
            "when": when(m.starts_at),
            "ends": f"{timezone.localtime(m.ends_at):%H:%M}",
            "place": ", ".join(p for p in (m.place, m.video_link) if p) or "–",
            "agenda": agenda,
            "follow_ups": Advice.objects.follow_up(m.body, exclude_meeting=m).count(),
        }
        # One notice per member: each carries the member's own absence link (it names them).
        for person in m.members():
            notify(
                [person],
                gettext_lazy("Meeting notice: %(body)s, %(when)s"),
                texts,
                meeting_url(m),
                params={**params, "absence_link": absence_url(m, person)},
                exclude=by,
            )
    meeting.status, meeting.called_at = m.status, m.called_at
    return m


def mark_held(meeting: Meeting, *, by: Any) -> None:
    with transaction.atomic():
        m = meeting.locked("body")
        if m.status not in (Meeting.Status.PLANNED, Meeting.Status.CALLED):
            raise RefusedError(_("The meeting is already marked as held."))
        m.status = Meeting.Status.HELD
        save_with_history(m, actor=by, parent=m.body)
    meeting.status = m.status


# --- cases --------------------------------------------------------------------------------------

# Eleven digits, optionally split 6+5 by a space, dot or dash; checked with the check digits.
_FNR = re.compile(r"(?<!\d)(\d{6})[ .-]?(\d{5})(?!\d)")


def contains_national_id(text: str) -> bool:
    """True if `text` holds a valid Norwegian national identity number (fødselsnummer or
    D-number)."""
    return any(fodselsnummer.is_valid(m.group(1) + m.group(2)) for m in _FNR.finditer(text))


def check_not_patient_case(title: str, description: str, declared: bool) -> None:
    """Councils give advice on services, never on one patient's treatment: refuse a case that
    names a patient by national identity number or lacks the declaration."""
    message = _(
        "Councils do not handle cases about individual patients. Remove the national identity "
        "number and anything else that identifies a patient."
    )
    errors: dict[str, str] = {}
    if contains_national_id(title):
        errors["title"] = message
    if contains_national_id(description):
        errors["description"] = message
    if not declared:
        errors["no_individual_patient"] = _(
            "Confirm that the case is not about an individual patient: councils do not handle "
            "individual patients' cases."
        )
    if errors:
        raise ValidationError(errors, code="individual_patient")


def _next_case_number(body_id: int, year: int) -> int:
    top = Case.objects.filter(body_id=body_id, year=year).aggregate(top=Max("number"))["top"]
    return (top or 0) + 1


def add_case(
    body: Body,
    *,
    title: str,
    kind: str,
    by: Any,
    no_individual_patient: bool,
    description: str = "",
    meeting: Meeting | None = None,
    owner_unit: Organisation | None = None,
    owner_person: Any = None,
    is_public: bool = True,
    exemption_basis: str = "",
    phase: str = Case.Phase.PLANNING,
    ladder_step: int | None = None,
) -> Case:
    """Register a case with the next number of the body's year ("Sak 12/26"), on a meeting's
    agenda if given. Numbers are allocated under a lock on the body row; should two
    transactions still collide (a database without row locks), the unique constraint refuses
    the second and it takes the next number."""
    check_not_patient_case(title, description, no_individual_patient)
    if not is_public and not exemption_basis.strip():
        raise ValidationError(
            {"exemption_basis": _("Give the legal basis for exempting the case.")}
        )
    if meeting is not None and meeting.body_id != body.pk:
        raise RefusedError(_("The meeting belongs to another body."))
    year = meeting.day.year if meeting else timezone.localdate().year
    case = Case(
        body=body,
        year=year,
        meeting=meeting,
        title=title.strip(),
        description=description.strip(),
        kind=kind,
        owner_unit=owner_unit,
        owner_person=owner_person,
        is_public=is_public,
        exemption_basis=exemption_basis.strip(),
        phase=phase,
        ladder_step=ladder_step or body.ladder_step,
        no_individual_patient=no_individual_patient,
        created_by=by,
    )
    with transaction.atomic():
        body.locked()  # numbers one at a time
        if meeting is not None:
            case.agenda_order = Case.objects.filter(meeting=meeting).count() + 1
        for _attempt in range(5):
            case.number = _next_case_number(body.pk, year)
            try:
                with transaction.atomic():
                    save_with_history(case, actor=by, parent=body)
                return case
            except IntegrityError:
                if not Case.objects.filter(body=body, year=year, number=case.number).exists():
                    raise
        raise RefusedError(_("Could not give the case a number; try again."))


def update_case(case: Case, *, by: Any, expected_version: int | None = None, **fields: Any) -> Case:
    """Change a case's text, type, owner, openness, phase or ladder step; the number and the
    meeting stay. The same checks as `add_case` (no individual patient, exemption basis).
    StaleEditError if someone saved the case after the form was opened at `expected_version`."""
    allowed = {
        "title",
        "description",
        "kind",
        "owner_unit",
        "owner_person",
        "is_public",
        "exemption_basis",
        "phase",
        "ladder_step",
        "no_individual_patient",
    }
    if set(fields) - allowed:
        raise TypeError(f"cannot change {sorted(set(fields) - allowed)}")
    with transaction.atomic():
        c = case.locked("body")
        require_version(c, expected_version)
        for name, value in fields.items():
            setattr(c, name, value.strip() if isinstance(value, str) else value)
        check_not_patient_case(c.title, c.description, c.no_individual_patient)
        if c.is_public:
            c.exemption_basis = ""
        elif not c.exemption_basis:
            raise ValidationError(
                {"exemption_basis": _("Give the legal basis for exempting the case.")}
            )
        save_version(c, c, actor=by, parent=c.body)
    return c


def propose_case(body: Body, *, title: str, description: str, by: Any) -> CaseProposal:
    """A member proposes a case for the agenda; the secretariat is told."""
    from ..permissions import is_member

    if not is_member(by, body):
        raise RefusedError(_("Only members of the body can propose cases."))
    check_not_patient_case(title, description, declared=True)
    with transaction.atomic():
        proposal = CaseProposal(
            body=body, title=title.strip(), description=description.strip(), proposed_by=by
        )
        save_with_history(proposal, actor=by, parent=body)
        notify(
            secretariat_of(body),
            gettext_lazy("Case proposed for %(body)s: %(title)s"),
            gettext_lazy(
                "%(person)s proposes a case for the agenda of %(body)s. Accept it to a "
                "meeting or answer with a reason."
            ),
            url_for("proposal_inbox", body.pk),
            params={"body": body, "title": proposal.title, "person": by},
            exclude=by,
        )
    return proposal


def accept_proposal(
    proposal: CaseProposal, *, meeting: Meeting, by: Any, kind: str, **case_fields: Any
) -> Case:
    """Put a proposed case on a meeting's agenda; the proposer is told its number."""
    with transaction.atomic():
        p = proposal.locked("body")
        if p.status != CaseProposal.Status.PROPOSED:
            raise RefusedError(_("This proposal has already been answered."))
        case = add_case(
            p.body,
            title=case_fields.pop("title", p.title),
            description=case_fields.pop("description", p.description),
            kind=kind,
            meeting=meeting,
            by=by,
            no_individual_patient=case_fields.pop("no_individual_patient", True),
            **case_fields,
        )
        p.status, p.case = CaseProposal.Status.ACCEPTED, case
        p.answered_by, p.answered_at = by, timezone.now()
        save_with_history(p, actor=by, parent=p.body)
        notify(
            [p.proposed_by],
            gettext_lazy("Your case is on the agenda: %(case)s"),
            gettext_lazy("Your proposal is case %(case)s at the meeting of %(body)s %(when)s."),
            meeting_url(meeting),
            params={"case": case.reference, "body": p.body, "when": when(meeting.starts_at)},
            exclude=by,
        )
    proposal.status, proposal.case = p.status, case
    return case


def answer_proposal(proposal: CaseProposal, *, reason: str, by: Any) -> None:
    """Decline a proposal with a reason the proposer reads."""
    if not reason.strip():
        raise ValidationError({"answer": _("Give a reason; the proposer will see it.")})
    with transaction.atomic():
        p = proposal.locked("body")
        if p.status != CaseProposal.Status.PROPOSED:
            raise RefusedError(_("This proposal has already been answered."))
        p.status, p.answer = CaseProposal.Status.DECLINED, reason.strip()
        p.answered_by, p.answered_at = by, timezone.now()
        save_with_history(p, actor=by, parent=p.body)
        notify(
            [p.proposed_by],
            gettext_lazy("Your case proposal was not put on the agenda: %(title)s"),
            gettext_lazy("The secretariat of %(body)s answers: %(reason)s"),
            url_for("my_proposals"),
            params={"title": p.title, "body": p.body, "reason": p.answer},
            exclude=by,
        )
    proposal.status, proposal.answer = p.status, p.answer


# --- papers -------------------------------------------------------------------------------------


def publish_paper(
    meeting: Meeting, *, upload: Any, title: str, by: Any, case: Case | None = None
) -> Paper:
    """Store a paper (type and size checked by content) through Django's storage. A paper
    published after the meeting's paper deadline is flagged late; once the meeting is called,
    members are told of each new paper."""
    validated = validate_upload(upload)
    if case is not None and case.meeting_id != meeting.pk:
        raise RefusedError(_("The case is not on this meeting's agenda."))
    now = timezone.now()
    paper = Paper(
        meeting=meeting,
        case=case,
        title=title.strip() or upload.name,
        file=upload,
        content_type=validated.content_type,
        size=upload.size,
        late=now > meeting.papers_due_at,
        published_by=by,
        published_at=now,
    )
    # The file is written before the INSERT; if anything after it fails (the history, the
    # notices, the COMMIT), it is deleted again instead of lying in MEDIA_ROOT with no row.
    with files_removed_on_error(paper, "file"), transaction.atomic():
        save_with_history(paper, actor=by, parent=meeting)
        if meeting.status == Meeting.Status.CALLED:
            notify_members(
                meeting,
                gettext_lazy("New paper for %(body)s, %(when)s"),
                gettext_lazy("A paper has been added to the meeting: %(title)s."),
                params={"body": meeting.body, "when": when(meeting.starts_at), "title": paper},
                by=by,
            )
    return paper


# --- absence and attendance ---------------------------------------------------------------------


def send_absence_notice(
    meeting: Meeting, *, representative: Representative, by: Any, reason: str = ""
) -> AbsenceNotice:
    """Report that a member cannot come (meld forfall). Refused once the meeting has started.
    For a member, the first deputy (by seat rank) not already called and not absent is called
    in and told; if a called deputy reports absence, the next deputy is called instead."""
    with transaction.atomic():
        m = meeting.locked("body")
        if m.has_started():
            raise RefusedError(
                _(
                    "The meeting has started; absence can no longer be reported here. Contact "
                    "the secretariat."
                )
            )
        term = (
            m.member_terms()
            .filter(representative=representative)
            .select_related("seat", "representative__user")
            .first()
        )
        if term is None:
            raise RefusedError(
                _("%(person)s is not a member of %(body)s.")
                % {
                    "person": representative,
                    "body": m.body,
                }
            )
        if by.pk != representative.user_id and not can_manage(by, m.body):
            raise RefusedError(_("You can only report your own absence."))
        if AbsenceNotice.objects.filter(meeting=m, term=term).exists():
            raise RefusedError(_("Absence has already been reported for this meeting."))
        notice = AbsenceNotice(meeting=m, term=term, reason=reason.strip(), sent_by=by)
        save_with_history(notice, actor=by, parent=m)
        if term.seat.role in VOTING_ROLES:
            call_deputy(m, notice, by=by)
        else:
            # A deputy already called in for someone else: the next deputy takes over.
            for standing in AbsenceNotice.objects.filter(meeting=m, deputy=term):
                standing.deputy, standing.deputy_called_at = None, None
                save_with_history(standing, actor=by, parent=m)
                call_deputy(m, standing, by=by)
        notify(
            secretariat_of(m.body),
            gettext_lazy("Absence notice: %(person)s, %(body)s %(when)s"),
            [
                gettext_lazy("%(person)s cannot attend the meeting."),
                gettext_lazy("Message: %(reason)s") if notice.reason else "",
            ],
            meeting_url(m),
            params={
                "person": representative,
                "body": m.body,
                "when": when(m.starts_at),
                "reason": notice.reason,
            },
            exclude=by,
        )
    return notice


def call_deputy(meeting: Meeting, notice: AbsenceNotice, *, by: Any) -> Term | None:
    """Call in the first deputy by rank who is neither called already nor absent."""
    busy = AbsenceNotice.objects.filter(meeting=meeting).exclude(deputy__isnull=True)
    absent = AbsenceNotice.objects.filter(meeting=meeting).values("term_id")
    deputy = (
        meeting.member_terms()
        .filter(seat__role=Seat.Role.DEPUTY)
        .exclude(pk__in=busy.values("deputy_id"))
        .exclude(pk__in=absent)
        .select_related("representative__user", "seat")
        .order_by("seat__rank")
        .first()
    )
    if deputy is None:
        return None
    notice.deputy, notice.deputy_called_at = deputy, timezone.now()
    save_with_history(notice, actor=by, parent=meeting, note="deputy called in by rank")
    notify(
        [deputy.representative.user],
        gettext_lazy("You are called in to %(body)s, %(when)s"),
        gettext_lazy(
            "%(person)s cannot attend the meeting of %(body)s %(when)s. As deputy you are "
            "called in to take their place. Send an absence notice if you cannot come."
        ),
        meeting_url(meeting),
        params={
            "person": notice.term.representative,
            "body": meeting.body,
            "when": when(meeting.starts_at),
        },
        exclude=by,
    )
    return deputy


def record_attendance(
    meeting: Meeting,
    *,
    person: Any,
    by: Any,
    present: bool = True,
    arrived_at: datetime | None = None,
    left_at: datetime | None = None,
) -> Attendance:
    """The secretariat records who was there, with arrival and departure. A deputy called in
    for an absent member is recorded as standing in for them."""
    if arrived_at and left_at and left_at <= arrived_at:
        raise ValidationError({"left_at": _("Departure must be after arrival.")})
    with transaction.atomic():
        term = meeting.member_terms().filter(representative__user=person).first()
        stands_in = (
            AbsenceNotice.objects.filter(meeting=meeting, deputy=term).first() if term else None
        )
        row = (
            Attendance.objects.select_for_update(of=("self",))
            .filter(meeting=meeting, person=person)
            .first()
        )
        if row is None:
            row = Attendance(meeting=meeting, person=person, recorded_by=by)
        row.term, row.stands_in_for = term, stands_in
        row.present, row.arrived_at, row.left_at = present, arrived_at, left_at
        row.recorded_by = by
        try:
            with transaction.atomic():
                save_with_history(row, actor=by, parent=meeting)
        except IntegrityError as exc:  # two secretaries recording the same person at once
            raise RefusedError(_("Attendance was just recorded by someone else; reload.")) from exc
    return row
