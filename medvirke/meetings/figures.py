"""The influence ledger's figures per body, or per owner organisation, and year: cases by type
and phase, the share handled early (idea or planning), advice given, answered in time, the
current answers, and the median days to answer.

Two queries, whatever the number of cases and advice: one grouped count of cases, one row per
piece of advice with its first answer (MIN over the append-only answers). The median is taken in
Python because SQLite has no median aggregate.

- The year is the case's year (the "26" in "Sak 12/26"); advice counts in its case's year.
- An answer is the first answer registered, "under consideration" included: it says when the
  recipient first replied. Answered in time: that answer came on or before the due date.
- Days to answer: from the day the advice was recorded to the day of the first answer.
"""

from dataclasses import dataclass, field
from statistics import median
from typing import Any

from django.db.models import Count, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Advice, AdviceStatus, Case

EARLY_PHASES = (Case.Phase.IDEA, Case.Phase.PLANNING)
ANSWER_ORDER = [
    AdviceStatus.FOLLOWED,
    AdviceStatus.PARTLY_FOLLOWED,
    AdviceStatus.NOT_FOLLOWED,
    AdviceStatus.UNDER_CONSIDERATION,
    AdviceStatus.UNANSWERED,
]


@dataclass
class Figures:
    cases: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_phase: dict[str, int] = field(default_factory=dict)
    advice: int = 0
    answered: int = 0
    answered_in_time: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    days_to_answer: list[int] = field(default_factory=list)

    @property
    def early(self) -> int:
        return sum(self.by_phase.get(p, 0) for p in EARLY_PHASES)

    @property
    def early_share(self) -> float | None:
        return self.early / self.cases if self.cases else None

    @property
    def median_days(self) -> float | None:
        return median(self.days_to_answer) if self.days_to_answer else None


def compute(cases: QuerySet[Case], advice: QuerySet[Advice], group: str | None = None) -> dict:
    """Figures for the cases and advice given, in total (key None) and, with `group` (a field
    path on Case, such as "body"), per group value as well."""
    result: dict[Any, Figures] = {None: Figures()}

    def targets(key: Any) -> list[Figures]:
        found = [result[None]]
        if group is not None:
            found.append(result.setdefault(key, Figures()))
        return found

    keys = ["kind", "phase", *([group] if group else [])]
    for row in cases.order_by().values(*keys).annotate(n=Count("pk")):
        for figures in targets(row.get(group) if group else None):
            figures.cases += row["n"]
            figures.by_kind[row["kind"]] = figures.by_kind.get(row["kind"], 0) + row["n"]
            figures.by_phase[row["phase"]] = figures.by_phase.get(row["phase"], 0) + row["n"]
    # The zone read once: timezone.localtime() looks it up in a context-local for each call,
    # which was a third of an RHF ledger's time (two calls for each of 5,000 pieces of advice).
    zone = timezone.get_current_timezone()
    advice_keys = ["pk", "status", "due_on", "created_at"]
    if group:
        advice_keys.append(f"case__{group}")
    for row in (
        advice.order_by().values(*advice_keys).annotate(first=Min("responses__responded_at"))
    ):
        for figures in targets(row.get(f"case__{group}") if group else None):
            figures.advice += 1
            figures.by_status[row["status"]] = figures.by_status.get(row["status"], 0) + 1
            if row["first"] is not None:
                answered_on = row["first"].astimezone(zone).date()
                figures.answered += 1
                figures.answered_in_time += answered_on <= row["due_on"]
                given_on = row["created_at"].astimezone(zone).date()
                figures.days_to_answer.append((answered_on - given_on).days)
    return result


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def _days(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}"


def measures() -> list[tuple[str, str, Any]]:
    """(key, label, how to read it from Figures) for each row of the table and the exports."""
    rows: list[tuple[str, str, Any]] = [("cases", _("Cases"), lambda f: f.cases)]
    for kind in Case.Kind:
        rows.append(
            (
                f"kind_{kind.value}",
                _("Cases: %(kind)s") % {"kind": kind.label},
                lambda f, k=kind.value: f.by_kind.get(k, 0),
            )
        )
    for phase in Case.Phase:
        rows.append(
            (
                f"phase_{phase.value}",
                _("Cases in phase: %(phase)s") % {"phase": phase.label},
                lambda f, p=phase.value: f.by_phase.get(p, 0),
            )
        )
    rows += [
        ("early", _("Cases handled early (idea or planning)"), lambda f: f.early),
        ("early_share", _("Share handled early"), lambda f: _percent(f.early_share)),
        ("advice", _("Advice given"), lambda f: f.advice),
        ("answered", _("Advice answered"), lambda f: f.answered),
        ("answered_in_time", _("Answered in time"), lambda f: f.answered_in_time),
    ]
    for status in ANSWER_ORDER:
        rows.append(
            (
                f"status_{status.value}",
                _("Advice: %(status)s") % {"status": status.label},
                lambda f, s=status.value: f.by_status.get(s, 0),
            )
        )
    rows.append(("median_days", _("Median days to answer"), lambda f: _days(f.median_days)))
    return rows


def table(figures: dict[Any, Figures], columns: list[tuple[Any, str]]) -> list[list[Any]]:
    """The figures as rows: a header row, then one row per measure with a value per column
    (`columns` are (key in `figures`, heading))."""
    rows: list[list[Any]] = [[_("Measure"), *[heading for _key, heading in columns]]]
    for _key, label, read in measures():
        rows.append([label, *[read(figures.get(key) or Figures()) for key, _h in columns]])
    return rows


# The bar chart's geometry (SVG user units): a label column, then bars up to BAR_MAX wide.
BAR_LEFT, BAR_MAX, ROW = 220, 340, 40


def chart_bars(figures: Figures) -> dict[str, Any]:
    """The answers to the advice as bars, one per answer, scaled to the largest count."""
    counts = [(s, figures.by_status.get(s.value, 0)) for s in ANSWER_ORDER]
    top = max((n for _s, n in counts), default=0) or 1
    bars = []
    for i, (status, n) in enumerate(counts):
        width = round(BAR_MAX * n / top)
        bars.append(
            {
                "label": str(status.label),
                "count": n,
                "y": i * ROW,
                "width": width,
                "count_x": BAR_LEFT + width + 8,
            }
        )
    return {"bars": bars, "height": len(bars) * ROW, "left": BAR_LEFT}
