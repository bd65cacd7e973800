"""Generated attendance for the held meetings (a part of meetings.py's step).

Everyone holding a term in the body on the meeting day (leaders, members, observers; deputies
only when called in) has an attendance row: most were there from the start to the end, a few came
late or left early, some sent an absence notice beforehand (forfall) and a few just did not come.
For a voting member who sent a notice, the first free deputy by rank was called in now and then,
and stood in for them. The secretariat person who planned the meeting recorded it.

Rows go in as plain rows with ids given here (insert_rows, like the cases): an attendance row
names the notice its deputy stands in for, so the notices' ids must be known before either table
is written. About 330,000 attendance rows and 20,000 notices at national scale.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection

from medvirke.bodies.models import Seat, Term
from medvirke.meetings.models import AbsenceNotice, Attendance, Meeting

Row = tuple[Any, ...]
R = Seat.Role
VOTING = (R.LEADER, R.DEPUTY_LEADER, R.MEMBER)
NOTICE_SHARE = 0.08  # sent an absence notice
NO_SHOW_SHARE = 0.03  # absent without a notice
DEPUTY_SHARE = 0.6  # a voting member's notice led to a deputy being called in
LATE_SHARE = 0.1
EARLY_SHARE = 0.08
REASONS = [
    "",
    "Sykdom.",
    "Jobbreise.",
    "Andre forpliktelser denne dagen.",
    "Kan dessverre ikke delta.",
]
ATTENDANCE_COLUMNS = [
    "id",
    "meeting",
    "person",
    "term",
    "stands_in_for",
    "present",
    "arrived_at",
    "left_at",
    "recorded_by",
]
NOTICE_COLUMNS = [
    "id",
    "meeting",
    "term",
    "reason",
    "deputy",
    "deputy_called_at",
    "sent_by",
    "sent_at",
]


@dataclass(frozen=True)
class Held:
    """A term as the attendance needs it."""

    pk: int
    user: int
    role: str
    rank: int
    starts: date
    ended: date | None
    retired: date | None

    def serves_on(self, day: date) -> bool:
        return (
            self.starts <= day
            and (self.ended is None or self.ended > day)
            and (self.retired is None or self.retired > day)
        )


def terms_by_body(body_ids: list[int]) -> dict[int, list[Held]]:
    """Each body's terms, deputies last and in rank order (one query)."""
    rows = (
        Term.objects.filter(seat__body_id__in=body_ids)
        .order_by("seat__body_id", "seat__role", "seat__rank", "starts_on", "pk")
        .values_list(
            "pk",
            "seat__body_id",
            "representative__user_id",
            "seat__role",
            "seat__rank",
            "starts_on",
            "ended_on",
            "seat__retired_on",
        )
    )
    out: dict[int, list[Held]] = defaultdict(list)
    for pk, body, user, role, rank, starts, ended, retired in rows:
        out[body].append(Held(pk, user, role, rank, starts, ended, retired))
    for held in out.values():
        held.sort(key=lambda h: (h.role == R.DEPUTY, h.rank if h.role == R.DEPUTY else 0))
    return out


class AttendanceRows:
    """Collects the rows of one chunk of meetings; `take` hands out the ids."""

    def __init__(self, rng: Any, take: Callable[[type[Any]], int]) -> None:
        self.rng = rng
        self.take = take
        self.attendance: list[Row] = []
        self.notices: list[Row] = []
        self.summary: Counter[str] = Counter()

    def add(self, meeting: Meeting, day: date, terms: list[Held]) -> None:
        rng = self.rng
        stamp = connection.ops.adapt_datetimefield_value
        start, end = meeting.starts_at, meeting.ends_at
        serving = [t for t in terms if t.serves_on(day)]
        deputies = [t for t in serving if t.role == R.DEPUTY]
        seen: set[int] = set()  # one row per person, whatever seats they hold
        called: list[tuple[Held, int]] = []  # deputy term, notice id
        for term in serving:
            if term.role == R.DEPUTY or term.user in seen:
                continue
            seen.add(term.user)
            chance = rng.random()
            if chance < NOTICE_SHARE:
                notice = self.take(AbsenceNotice)
                sent = start - timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 8))
                deputy = None
                if term.role in VOTING and rng.random() < DEPUTY_SHARE:
                    deputy = next((d for d in deputies if d.user not in seen), None)
                if deputy is not None:
                    seen.add(deputy.user)
                    deputies.remove(deputy)
                    called.append((deputy, notice))
                self.notices.append(
                    (
                        notice,
                        meeting.pk,
                        term.pk,
                        rng.choice(REASONS),
                        deputy.pk if deputy else None,
                        stamp(sent + timedelta(hours=1)) if deputy else None,
                        term.user,
                        stamp(sent),
                    )
                )
                self._row(meeting, term, present=False)
                self.summary["absence_notices"] += 1
                self.summary["absence_notices.deputy_called"] += int(deputy is not None)
            elif chance < NOTICE_SHARE + NO_SHOW_SHARE:
                self._row(meeting, term, present=False)
            else:
                arrived = start
                if rng.random() < LATE_SHARE:
                    arrived += timedelta(minutes=rng.choice((10, 15, 20, 30, 45)))
                left = end
                if rng.random() < EARLY_SHARE:
                    left -= timedelta(minutes=rng.choice((15, 30, 45, 60)))
                if left <= arrived:
                    left = end
                self._row(meeting, term, present=True, arrived=stamp(arrived), left=stamp(left))
        for deputy, notice in called:
            self._row(
                meeting, deputy, present=True, arrived=stamp(start), left=stamp(end), notice=notice
            )

    def _row(
        self,
        meeting: Meeting,
        term: Held,
        *,
        present: bool,
        arrived: Any = None,
        left: Any = None,
        notice: int | None = None,
    ) -> None:
        self.attendance.append(
            (
                self.take(Attendance),
                meeting.pk,
                term.user,
                term.pk,
                notice,
                present,
                arrived,
                left,
                meeting.created_by_id,
            )
        )
        self.summary["attendance"] += 1
        self.summary["attendance.present" if present else "attendance.absent"] += 1
