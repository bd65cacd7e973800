"""Generated meeting papers (a part of meetings.py's step).

Meetings called or held within the last year have papers, as a secretariat publishes them: the
notice with the agenda for the meeting as a whole, a case paper (saksframlegg) for most cases and
an attachment for some; a few came after the paper deadline and are flagged late. The rows name a
file that is not stored: the pages list them as any paper, a download answers 404.
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import connection

from medvirke.meetings.models import Meeting, Paper

Row = tuple[Any, ...]
RECENT_DAYS = 365
CASE_PAPER_SHARE = 0.8
ATTACHMENT_SHARE = 0.3
LATE_SHARE = 0.05
PDF = "application/pdf"
COLUMNS = [
    "id",
    "meeting",
    "case",
    "title",
    "file",
    "content_type",
    "size",
    "late",
    "published_by",
    "published_at",
]


class PaperRows:
    """Collects the papers of one chunk of meetings; `take` hands out the ids."""

    def __init__(self, rng: Any, take: Callable[[type[Any]], int], cap: datetime) -> None:
        self.rng = rng
        self.take = take
        self.cap = cap  # nothing published after this (the generator's "now")
        self.rows: list[Row] = []
        self.summary: Counter[str] = Counter()

    def add(self, meeting: Meeting, cases: list[int], staff: list[int]) -> None:
        if meeting.status == Meeting.Status.PLANNED:
            return
        if meeting.starts_at < self.cap - timedelta(days=RECENT_DAYS):
            return
        rng = self.rng
        self._paper(meeting, None, "Innkalling og saksliste", "innkalling", staff)
        for n, case in enumerate(cases, start=1):
            if rng.random() < CASE_PAPER_SHARE:
                self._paper(meeting, case, f"Saksframlegg sak {n}", f"sak-{n}", staff)
                if rng.random() < ATTACHMENT_SHARE:
                    self._paper(meeting, case, f"Vedlegg til sak {n}", f"vedlegg-{n}", staff)

    def _paper(
        self, meeting: Meeting, case: int | None, title: str, name: str, staff: list[int]
    ) -> None:
        rng = self.rng
        due = meeting.papers_due_at
        late = rng.random() < LATE_SHARE
        if late:
            published = due + timedelta(hours=rng.randint(2, 24 * 5))
        else:
            published = due - timedelta(days=rng.randint(0, 10), hours=rng.randint(1, 8))
        published = min(published, self.cap)
        late = published > due
        self.rows.append(
            (
                self.take(Paper),
                meeting.pk,
                case,
                title,
                f"generert/{meeting.pk}/{name}.pdf",
                PDF,
                rng.randint(40_000, 2_500_000),
                late,
                rng.choice(staff),
                connection.ops.adapt_datetimefield_value(published),
            )
        )
        self.summary["papers"] += 1
        self.summary["papers.late"] += int(late)
