"""The page kinds the benchmark measures and, for each, the objects it rotates through, each
paired with a person who may see it (needs Django set up, on generated data).

Who may see what is read from the data the access rules rest on, not from the views: a staff
role in the organisation or above it (an HF administrator sees its clinics), a body's
secretariat, a coordinator's organisations. The runner checks a sample of the pairs through
the real views (the query counts) and wrk counts every answer that is not 2xx, so a pair the
rules refuse shows up as a failure, never as a fast page.

Each kind takes up to `limit` objects, shuffled with the run's seed, and gives each object the
eligible person used least so far, so the pairs spread over as many people as there are.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from bench.report import Kind

TREE_GROUPS = ["helse", "kommuner", "nav", "organisasjoner", "fora"]
PAGE_SIZE = 50
ROLES = [
    ("administrator", "Start page: administrator"),
    ("secretariat", "Start page: secretariat"),
    ("coordinator", "Start page: coordinator"),
    ("case_handler", "Start page: case handler"),
    ("quality_advisor", "Start page: quality advisor"),
    ("auditor", "Start page: auditor"),
]
# Name beginnings a coordinator types into the representative search (common Norwegian
# first and last names of the generated world; every scale has people matching most).
SEARCH_WORDS = [
    "han", "joh", "ols", "lar", "and", "ped", "nil", "kri", "jen", "kar", "pet", "eri",
    "ber", "hau", "hag", "dah", "lun", "moe", "str", "sol", "eid", "bak", "lie", "nyg",
    "hol", "vik", "sen", "sson", "kari", "ola", "ing", "per", "siri", "jon", "mar", "tor",
    "nora", "emma", "ida", "anne", "liv", "knut", "geir", "arne", "tone", "maja", "linn",
    "ali", "anna", "linh", "elif", "sara", "mats", "berit", "gaup", "eira", "tran",
]  # fmt: skip


@dataclass
class Pair:
    path: str
    user_id: int
    # What is looked at (for counting objects): several pairs may show the same object.
    obj: str


@dataclass
class PageKind:
    kind: Kind
    pairs: list[Pair] = field(default_factory=list)


class People:
    """Who holds which staff role where, and the organisation tree, read once."""

    def __init__(self) -> None:
        from bench.generate.organisations import ORG_EMAIL_SUFFIX, USER_EMAIL_SUFFIX
        from medvirke.organisations.models import Organisation, StaffRole

        orgs = Organisation.objects.filter(email__endswith=ORG_EMAIL_SUFFIX)
        self.parent: dict[int, int | None] = dict(orgs.values_list("pk", "parent_id"))
        self.kind: dict[int, str] = dict(orgs.values_list("pk", "kind"))
        self.roles_at: dict[int, set[int]] = defaultdict(set)
        self.role_holders: dict[str, set[int]] = defaultdict(set)
        self.coordinated: dict[int, set[int]] = defaultdict(set)
        rows = StaffRole.objects.filter(
            user__is_active=True, user__email__endswith=USER_EMAIL_SUFFIX
        ).values_list("user_id", "organisation_id", "role")
        for user_id, org_id, role in rows:
            self.roles_at[org_id].add(user_id)
            self.role_holders[role].add(user_id)
            if role == StaffRole.Role.COORDINATOR:
                self.coordinated[user_id].add(org_id)
        self.staff = sorted({u for users in self.roles_at.values() for u in users})

    def lineage(self, org_id: int) -> list[int]:
        found = []
        current: int | None = org_id
        while current is not None and current not in found:
            found.append(current)
            current = self.parent.get(current)
        return found

    def reaching(self, org_id: int) -> set[int]:
        """People with a staff role in the organisation or above it."""
        return {u for org in self.lineage(org_id) for u in self.roles_at.get(org, ())}


def assign(
    rng: random.Random, objects: Iterable[tuple[str, str, Iterable[int]]], limit: int
) -> list[Pair]:
    """Up to `limit` pairs from (object, path, eligible people), shuffled; each gets the
    eligible person used least so far (ties broken at random)."""
    candidates = [(obj, path, sorted(set(people))) for obj, path, people in objects]
    candidates = [c for c in candidates if c[2]]
    rng.shuffle(candidates)
    used: Counter[int] = Counter()
    pairs = []
    for obj, path, people in candidates[:limit]:
        fewest = min(used[p] for p in people)
        person = rng.choice([p for p in people if used[p] == fewest])
        used[person] += 1
        pairs.append(Pair(path, person, obj))
    return pairs


def page_kinds(seed: int, limit: int = 400) -> list[PageKind]:
    """Every page kind with its pairs (the order of the report)."""
    rng = random.Random(seed)
    people = People()
    kinds = [
        tree(rng, people, limit),
        organisation_pages(rng, people, limit),
        body_pages(rng, people, limit),
        meeting_pages(rng, people, limit),
        body_ledgers(rng, people, limit),
        owner_ledgers(rng, people, limit),
        coordinator_overview(rng, people, limit),
        representative_search(rng, people, limit),
        *start_pages(rng, people, limit),
    ]
    for page_kind in kinds:
        k = page_kind.kind
        k.pairs = len(page_kind.pairs)
        k.objects = len({p.obj for p in page_kind.pairs})
        k.people = len({p.user_id for p in page_kind.pairs})
        k.example = page_kind.pairs[0].path if page_kind.pairs else ""
    return kinds


def tree(rng: random.Random, people: People, limit: int) -> PageKind:
    """The tree's tabs, page by page, and searches (every name's first three letters)."""
    from medvirke.organisations.models import Organisation

    k = Organisation.Kind
    group_of: dict[str, str] = {
        k.RHF: "helse",
        k.MUNICIPALITY: "kommuner",
        k.NAV_OFFICE: "nav",
        k.USER_ORG: "organisasjoner",
        k.FORUM: "fora",
    }
    roots = Counter(group_of[kind] for kind in people.kind.values() if kind in group_of)
    objects: list[tuple[str, str, Iterable[int]]] = []
    for group in TREE_GROUPS:
        for page in range(1, max(1, -(-roots[group] // PAGE_SIZE)) + 1):
            path = f"/organisasjoner/?gruppe={group}" + (f"&side={page}" if page > 1 else "")
            objects.append((path, path, people.staff))
    names = Organisation.objects.filter(pk__in=list(people.parent)).values_list("name", flat=True)
    words = sorted({w[:3].lower() for name in names for w in name.split() if len(w) >= 3})
    objects += [(f"q={w}", f"/organisasjoner/?q={quote(w)}", people.staff) for w in words]
    # The tabs are few and every one is what a person opens first: always in the rotation.
    tabs = [o for o in objects if "gruppe=" in o[0]]
    searches = assign(rng, [o for o in objects if "gruppe=" not in o[0]], limit - len(tabs))
    pairs = assign(rng, tabs, len(tabs)) + searches
    rng.shuffle(pairs)
    return PageKind(
        Kind(
            "tree",
            "Organisation tree",
            "",
            note="each tab page by page and searches by a name's first three letters; any "
            "staff member",
        ),
        pairs,
    )


def organisation_pages(rng: random.Random, people: People, limit: int) -> PageKind:
    objects = [
        (f"org:{pk}", f"/organisasjoner/{pk}/", people.reaching(pk) or people.staff)
        for pk in sorted(people.parent)
    ]
    return PageKind(
        Kind(
            "organisation",
            "Organisation page",
            "",
            note="every kind of organisation; a person with a role there or above (any staff "
            "member where nobody has one)",
        ),
        assign(rng, objects, limit),
    )


def _body_viewers(people: People) -> dict[int, set[int]]:
    """Per generated body: its secretariat and the staff of its owner and above."""
    from bench.generate.bodies import generated_bodies
    from medvirke.bodies.models import Body

    bodies = dict(generated_bodies().values_list("pk", "owner_id"))
    viewers = {pk: people.reaching(owner) for pk, owner in bodies.items()}
    secretariat = Body.secretariat.through.objects.filter(body_id__in=list(bodies))
    for body_id, user_id in secretariat.values_list("body_id", "user_id"):
        viewers[body_id].add(user_id)
    return viewers


def body_pages(rng: random.Random, people: People, limit: int) -> PageKind:
    viewers = _body_viewers(people)
    objects = [(f"body:{pk}", f"/utvalg/{pk}/", v) for pk, v in sorted(viewers.items())]
    return PageKind(
        Kind(
            "body",
            "Body page",
            "",
            note="councils and groups of every kind; their secretariat or staff of the owner "
            "or above",
        ),
        assign(rng, objects, limit),
    )


def meeting_pages(rng: random.Random, people: People, limit: int) -> PageKind:
    """Meetings from a year back to the planned ones ahead (the ones people open)."""
    from django.utils import timezone

    from bench.generate.meetings import generated_meetings

    viewers = _body_viewers(people)
    since = timezone.now() - timedelta(days=365)
    meetings = generated_meetings().filter(starts_at__gte=since).values_list("pk", "body_id")
    objects = [(f"meeting:{pk}", f"/moter/{pk}/", viewers.get(body, ())) for pk, body in meetings]
    return PageKind(
        Kind(
            "meeting",
            "Meeting page",
            "",
            note="held, called and planned meetings of the last year and ahead; the body's "
            "secretariat or staff of the owner or above",
        ),
        assign(rng, objects, limit),
    )


def _case_years() -> list[tuple[int, int, int]]:
    """(body, its owner, year) for every generated body and year with cases."""
    from bench.generate.bodies import generated_bodies
    from medvirke.meetings.models import Case

    return list(
        Case.objects.filter(body__in=generated_bodies())
        .values_list("body_id", "body__owner_id", "year")
        .distinct()
        .order_by("body_id", "year")
    )


def body_ledgers(rng: random.Random, people: People, limit: int) -> PageKind:
    viewers = _body_viewers(people)
    objects = [
        (f"ledger:{body}:{year}", f"/moter/laering/utvalg/{body}/?aar={year}", viewers[body])
        for body, _owner, year in _case_years()
        if body in viewers
    ]
    return PageKind(
        Kind(
            "ledger_body",
            "Influence ledger: body",
            "",
            note="a body and one of the years it has cases; as for the body page",
        ),
        assign(rng, objects, limit),
    )


def owner_ledgers(rng: random.Random, people: People, limit: int) -> PageKind:
    """Every organisation that owns bodies, and every organisation above one, with a year."""
    years: dict[int, set[int]] = defaultdict(set)
    for _body, owner, year in _case_years():
        for org in people.lineage(owner):
            years[org].add(year)
    objects = [
        (
            f"owner:{org}:{year}",
            f"/moter/laering/organisasjon/{org}/?aar={year}",
            people.reaching(org),
        )
        for org, ys in sorted(years.items())
        for year in sorted(ys)
    ]
    return PageKind(
        Kind(
            "ledger_owner",
            "Influence ledger: owner organisation",
            "",
            note="an owner (RHF, HF, clinic, municipality, NAV office, forum) and a year; a "
            "person with a role there or above",
        ),
        assign(rng, objects, limit),
    )


def coordinator_overview(rng: random.Random, people: People, limit: int) -> PageKind:
    """Every coordinator's overview, as that coordinator (the page shows what the person's
    organisations hold), then, up to `limit`, the same filtered by a kind of body."""
    from medvirke.bodies.models import Body

    def scope(orgs: set[int]) -> str:
        return "scope:" + ",".join(map(str, sorted(orgs)))

    coordinators = sorted(people.coordinated.items())
    plain = [(scope(orgs), "/utvalg/representasjon/", [user]) for user, orgs in coordinators]
    filtered = [
        (f"{scope(orgs)}:{kind}", f"/utvalg/representasjon/?kind={kind}", [user])
        for user, orgs in coordinators
        for kind in Body.Kind.values
    ]
    pairs = assign(rng, plain, limit)
    pairs += assign(rng, filtered, limit - len(pairs))
    rng.shuffle(pairs)
    return PageKind(
        Kind(
            "representation",
            "Coordinator: where we are represented",
            "",
            note="each coordinator's own organisations (with their branches), as that "
            "coordinator, some filtered by a kind of body; the objects are the sets of "
            "organisations coordinated (with the filter)",
        ),
        pairs,
    )


def representative_search(rng: random.Random, people: People, limit: int) -> PageKind:
    """A coordinator searching their representatives by a name's beginning."""
    objects = [
        (
            f"search:{','.join(map(str, sorted(orgs)))}:{word}",
            f"/representanter/?q={word}",
            [user],
        )
        for user, orgs in sorted(people.coordinated.items())
        for word in SEARCH_WORDS
    ]
    pairs = assign(rng, objects, limit)
    return PageKind(
        Kind(
            "representative_search",
            "Representatives: search",
            "",
            note="a coordinator's representatives searched by a name's first letters (each "
            "showing logs its health-data rows in the access log); objects are (organisations, "
            "word)",
        ),
        pairs,
    )


def start_pages(rng: random.Random, people: People, limit: int) -> list[PageKind]:
    """`/` for people of each staff role, and for representatives without one."""
    from bench.generate.representatives import generated_representatives

    kinds = []
    for role, label in ROLES:
        objects = [(f"person:{u}", "/", [u]) for u in sorted(people.role_holders[role])]
        pairs = assign(rng, objects, limit)
        kinds.append(_start(f"start_{role}", label, pairs, f"people holding the {role} role"))
    staff = set(people.staff)
    reps = generated_representatives().filter(deleted_at__isnull=True, user__is_active=True)
    objects = [
        (f"person:{u}", "/", [u])
        for u in reps.values_list("user_id", flat=True).order_by("user_id")
        if u not in staff
    ]
    kinds.append(
        _start(
            "start_representative",
            "Start page: representative",
            assign(rng, objects, limit),
            "representatives without a staff role",
        )
    )
    return kinds


def _start(key: str, label: str, pairs: list[Pair], note: str) -> PageKind:
    return PageKind(Kind(key, label, "", note=f"{note}; the objects are the people"), pairs)


def sample(pairs: list[Pair], n: int) -> list[Pair]:
    """Up to `n` pairs spread over the list (for the cold query counts)."""
    if len(pairs) <= n:
        return list(pairs)
    step = len(pairs) / n
    return [pairs[int(i * step)] for i in range(n)]


def people_of(kinds: Iterable[PageKind]) -> set[int]:
    return {pair.user_id for page_kind in kinds for pair in page_kind.pairs}


def describe(kinds: list[PageKind]) -> list[dict[str, Any]]:
    return [page_kind.kind.__dict__ for page_kind in kinds]
