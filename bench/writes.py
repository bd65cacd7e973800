"""The write rounds: form posts that each create one record, and the check that they did
(needs Django set up, on generated data).

- Absence notice: a member of a body posts "I cannot come" for an upcoming meeting
  (`/moter/mine/<meeting>/forfall/`); one notice per member and meeting.
- Answer to advice: the case handler of the unit the advice went to answers it
  (`/moter/rad/<advice>/`); every answer is a new row, a changed answer keeps the old.
- Nomination: a coordinator nominates one of their approved representatives to an open call
  (`/utvalg/foresporsel/<call>/nominer/`); one per representative and call. The post carries
  an override reason, so a conflict warning never turns it into a second step.

Each post is what the browser sends after opening the form: the session cookie, a CSRF token
(cookie and header), and a fresh one-time form token (`{% form_once %}`, core/once.py), so the
claim the view makes is part of the cost. The objects are split from the background writer's
(bench/writer.py takes the odd meeting and advice ids, these rounds the even ones) so the two
never compete for the same record.
"""

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bench.pairs import People
from bench.report import Write

# What members give as their reason (the form takes any text).
REASONS = ["Jobbreise", "Sykdom", "Kurs", "Ferie", "Legetime", "Familie"]


@dataclass
class Post:
    path: str
    user_id: int
    fields: dict[str, str]
    # What the record is found by afterwards: (meeting, term), advice id or (call, representative).
    key: tuple[int, ...]


@dataclass
class WriteKind:
    write: Write
    posts: list[Post] = field(default_factory=list)


def once_token() -> str:
    return secrets.token_urlsafe(24)


def write_kinds(seed: int, limit: int = 20_000) -> list[WriteKind]:
    rng = random.Random(seed + 1)
    people = People()
    kinds = [
        absence_notices(rng, limit),
        advice_answers(rng, people, limit),
        nominations(rng, people, limit),
    ]
    for kind in kinds:
        w = kind.write
        w.pairs = len(kind.posts)
        w.people = len({p.user_id for p in kind.posts})
        w.example = kind.posts[0].path if kind.posts else ""
    return kinds


def absence_notices(rng: random.Random, limit: int) -> WriteKind:
    """Members of upcoming meetings (more than a day ahead, even ids) without a notice."""
    from django.utils import timezone

    from bench.generate.meetings import generated_meetings
    from medvirke.bodies.models import Term
    from medvirke.meetings.models import AbsenceNotice

    start = timezone.now() + timedelta(days=1)
    meetings = list(
        generated_meetings()
        .filter(starts_at__gt=start)
        .values_list("pk", "body_id", "starts_at")
        .order_by("starts_at", "pk")
    )
    meetings = [m for m in meetings if m[0] % 2 == 0]
    noticed = set(
        AbsenceNotice.objects.filter(meeting_id__in=[m[0] for m in meetings]).values_list(
            "meeting_id", "term_id"
        )
    )
    terms_by_body: dict[int, list[tuple[int, int, Any]]] = defaultdict(list)
    rows = Term.objects.filter(
        seat__body_id__in={m[1] for m in meetings},
        seat__retired_on__isnull=True,
        ended_on__isnull=True,
        representative__deleted_at__isnull=True,
        representative__user__is_active=True,
    ).values_list("pk", "seat__body_id", "representative__user_id", "starts_on")
    for term_id, body_id, user_id, starts_on in rows:
        terms_by_body[body_id].append((term_id, user_id, starts_on))
    posts = []
    for meeting_id, body_id, starts_at in meetings:
        day = timezone.localtime(starts_at).date()
        for term_id, user_id, starts_on in terms_by_body[body_id]:
            if starts_on <= day and (meeting_id, term_id) not in noticed:
                posts.append(
                    Post(
                        f"/moter/mine/{meeting_id}/forfall/",
                        user_id,
                        {"reason": rng.choice(REASONS), "form_once": once_token()},
                        (meeting_id, term_id),
                    )
                )
    rng.shuffle(posts)
    return WriteKind(
        Write(
            "absence",
            "Absence notice",
            "",
            note="a member and an upcoming meeting of their body, as the member (a voting "
            "member's notice also calls in a deputy)",
        ),
        posts[:limit],
    )


def advice_answers(rng: random.Random, people: People, limit: int) -> WriteKind:
    """Advice (even ids) of generated bodies, answered by a case handler of its unit or above."""
    from bench.generate.bodies import generated_bodies
    from medvirke.meetings.models import Advice, AdviceResponse
    from medvirke.meetings.permissions import ANSWERING_ROLES
    from medvirke.organisations.models import StaffRole

    answers = list(AdviceResponse.Status.values)

    answering = set(
        StaffRole.objects.filter(role__in=ANSWERING_ROLES).values_list("user_id", "organisation_id")
    )
    answerers_at: dict[int, set[int]] = defaultdict(set)
    for user_id, org_id in answering:
        answerers_at[org_id].add(user_id)
    rows = (
        Advice.objects.filter(case__body__in=generated_bodies())
        .values_list("pk", "recipient_unit_id", "recipient_person_id")
        .order_by("pk")
    )
    posts = []
    for advice_id, unit_id, person_id in rows:
        if advice_id % 2:
            continue
        who: set[int] = {person_id} if person_id else set()
        if unit_id:
            who |= {u for org in people.lineage(unit_id) for u in answerers_at.get(org, ())}
        if not who:
            continue
        posts.append(
            Post(
                f"/moter/rad/{advice_id}/",
                rng.choice(sorted(who)),
                {
                    "status": rng.choice(answers),
                    "reasoning": "Vurdert i ledermøtet; svaret er begrunnet i saken.",
                    "form_once": once_token(),
                },
                (advice_id,),
            )
        )
    rng.shuffle(posts)
    return WriteKind(
        Write(
            "advice",
            "Answer to advice",
            "",
            note="a piece of advice and a case handler of the unit it was sent to (or above); "
            "each answer a new row",
        ),
        posts[:limit],
    )


def nominations(rng: random.Random, people: People, limit: int) -> WriteKind:
    """(open call, coordinator who may nominate to it, an approved representative of theirs
    not nominated to it yet). Which organisations a coordinator nominates for follows
    bodies.permissions.may_nominate_to, worked out here from the tree read once (that
    function costs a few queries a call, and there are thousands of coordinator × call); a
    sample is checked against it."""
    from django.contrib.auth import get_user_model

    from medvirke.bodies.models import Call, Nomination
    from medvirke.bodies.permissions import may_nominate_to
    from medvirke.representatives.models import Affiliation

    approved: dict[int, list[int]] = defaultdict(list)
    for rep_id, org_id in (
        Affiliation.objects.filter(
            status=Affiliation.Status.APPROVED,
            representative__deleted_at__isnull=True,
            representative__user__is_active=True,
        )
        .values_list("representative_id", "organisation_id")
        .order_by("representative_id")
    ):
        approved[org_id].append(rep_id)
    children: dict[int, set[int]] = defaultdict(set)
    for org, parent in people.parent.items():
        if parent is not None:
            children[parent].add(org)
    scope = {
        user: orgs
        | {c for o in orgs for c in children[o]}
        | {g for o in orgs for c in children[o] for g in children[c]}
        for user, orgs in people.coordinated.items()
    }
    posts = []
    checked: list[tuple[int, Any, list[int]]] = []
    for call in Call.objects.open().prefetch_related("recipients").order_by("pk"):
        taken = set(
            Nomination.objects.filter(call=call)
            .exclude(status=Nomination.Status.WITHDRAWN)
            .values_list("representative_id", flat=True)
        )
        recipients = {r.pk for r in call.recipients.all()}
        for user_id, mine in sorted(scope.items()):
            orgs = sorted(mine & recipients) or sorted(
                o for o in mine if people.parent.get(o) in recipients
            )
            if orgs and len(checked) < 20:
                checked.append((user_id, call, orgs))
            for org in orgs:
                for rep_id in approved.get(org, []):
                    if rep_id in taken:
                        continue
                    taken.add(rep_id)
                    posts.append(
                        Post(
                            f"/utvalg/foresporsel/{call.pk}/nominer/",
                            user_id,
                            {
                                "organisation": str(org),
                                "candidate_kind": "existing",
                                "representative": str(rep_id),
                                "justification": "Lang erfaring som pårørende og godt "
                                "kjent med tjenestene.",
                                "override_reason": "Vurdert av koordinator.",
                                "form_once": once_token(),
                            },
                            (call.pk, rep_id),
                        )
                    )
    users = get_user_model().objects.in_bulk([u for u, _c, _o in checked])
    for user_id, call, orgs in checked:
        allowed = sorted(o.pk for o in may_nominate_to(users[user_id], call))
        if allowed != orgs:
            raise RuntimeError(
                f"bench/writes.py disagrees with may_nominate_to for user {user_id} and call "
                f"{call.pk}: {orgs} != {allowed}; update nominations() to the rule"
            )
    rng.shuffle(posts)
    return WriteKind(
        Write(
            "nomination",
            "Nomination",
            "",
            note="an open call, a coordinator of an organisation it was sent to (or of a "
            "branch), and one of that organisation's approved representatives",
        ),
        posts[:limit],
    )


def created(kind: str, posts: list[Post], since_pk: int) -> int:
    """How many of these posts' records exist (rows with an id above `since_pk`, the highest
    id before the round, for answers and nominations; notices are one per member and
    meeting, none of them there before)."""
    from medvirke.bodies.models import Nomination
    from medvirke.meetings.models import AbsenceNotice, AdviceResponse

    if not posts:
        return 0
    if kind == "absence":
        meetings = {p.key[0] for p in posts}
        found = set(
            AbsenceNotice.objects.filter(meeting_id__in=meetings).values_list(
                "meeting_id", "term_id"
            )
        )
        return sum(1 for p in posts if p.key in found)
    if kind == "advice":
        answers: defaultdict[tuple[int, int], int] = defaultdict(int)
        for advice_id, user_id in AdviceResponse.objects.filter(
            pk__gt=since_pk, advice_id__in={p.key[0] for p in posts}
        ).values_list("advice_id", "responded_by_id"):
            answers[(advice_id, user_id)] += 1
        count = 0
        for p in posts:
            if answers[(p.key[0], p.user_id)] > 0:
                answers[(p.key[0], p.user_id)] -= 1
                count += 1
        return count
    if kind == "nomination":
        found = set(
            Nomination.objects.filter(
                pk__gt=since_pk, call_id__in={p.key[0] for p in posts}
            ).values_list("call_id", "representative_id")
        )
        return sum(1 for p in posts if p.key in found)
    raise ValueError(kind)


def highest_pk(kind: str) -> int:
    from django.db.models import Max

    from medvirke.bodies.models import Nomination
    from medvirke.meetings.models import AbsenceNotice, AdviceResponse

    model: Any = {"absence": AbsenceNotice, "advice": AdviceResponse, "nomination": Nomination}[
        kind
    ]
    return int(model.objects.aggregate(top=Max("pk"))["top"] or 0)
