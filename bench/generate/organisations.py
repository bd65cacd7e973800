"""Generated organisations and staff for the benchmark (the first steps of `bench.generate`).

`SCALES["national"]` is 4 RHF, 20 HF with clinics and units, 357 municipalities, 456 NAV
offices, 40 user organisations with regional branches, 2 forums and 2,000 staff users holding
every kind of role; the modules after this one add 10,000 representatives
(representatives.py), 2,000 councils and groups with 25,000 terms (bodies.py) and 50,000
meetings with their cases, advice, attendance and papers (meetings.py). The same seed always
gives the same names and structure.

Names look Norwegian but are built from parts (places, people); the four RHF carry the real
region names. Organisation numbers stay blank (they would need valid check digits).

Generated rows are marked: users have e-mail addresses ending in ``@gen.medvirke.test`` and
organisations have ``postmottak@<slug>.gen.medvirke.test`` (the benchmark picks its people and
objects by these marks). Each module has `STEPS` (functions taking the shared `Context`, run in
module order, lowest layer first) and `counts()` (its generated rows already in the database).

Generated rows have no history (AuditEvent) rows, by design: they are bulk data for measuring,
inserted with bulk_create, not changes anybody made. Every change the benchmark makes while it
measures goes through the services and is recorded (bench/writer.py).
"""

import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from medvirke.accounts.models import User
from medvirke.organisations.models import Organisation, StaffRole

from . import GEN_PASSWORD

K = Organisation.Kind
R = StaffRole.Role

GEN_DOMAIN = "gen.medvirke.test"
USER_EMAIL_SUFFIX = "@" + GEN_DOMAIN
ORG_EMAIL_SUFFIX = "." + GEN_DOMAIN
BATCH_SIZE = 500


@dataclass(frozen=True)
class Scale:
    """Exact totals per kind; how they are spread over parents varies with the seed."""

    name: str
    rhf: int
    hf: int
    clinics: int
    units: int
    municipalities: int
    nav_offices: int
    user_orgs: int
    branches: int
    forums: int
    staff_users: int
    # Share of staff users who get a second role.
    second_role_share: float = 0.2


SCALES: dict[str, Scale] = {
    "national": Scale(
        name="national",
        rhf=4,
        hf=20,
        clinics=80,
        units=240,
        municipalities=357,
        nav_offices=456,
        user_orgs=40,
        branches=200,
        forums=2,
        staff_users=2000,
    ),
    "small": Scale(
        name="small",
        rhf=2,
        hf=3,
        clinics=10,
        units=24,
        municipalities=18,
        nav_offices=23,
        user_orgs=3,
        branches=9,
        forums=2,
        staff_users=100,
    ),
}


@dataclass
class Context:
    """What the steps share: the random source and everything generated so far."""

    rng: random.Random
    scale: Scale
    orgs: dict[str, list[Organisation]] = field(default_factory=lambda: defaultdict(list))
    users: list[User] = field(default_factory=list)
    roles: list[StaffRole] = field(default_factory=list)
    # Place names already used (municipalities, HF, NAV districts share this pool).
    places: list[str] = field(default_factory=list)
    used_slugs: set[str] = field(default_factory=set)
    used_emails: set[str] = field(default_factory=set)
    password_hash: str = ""
    # What the apps above add: their generated rows for later steps (under their own key, read
    # through their own typed helper) and their lines of the summary.
    shared: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, int] = field(default_factory=dict)


# --- Name parts -------------------------------------------------------------------------------


def words(text: str) -> list[str]:
    """A comma-separated list written as a text block (keeps long name lists compact);
    line breaks inside an item count as spaces."""
    return [" ".join(item.split()) for item in text.split(",") if item.strip()]


REGIONS = [
    ("Helse Sør-Øst", "HSØ"),
    ("Helse Vest", "HV"),
    ("Helse Midt-Norge", "HMN"),
    ("Helse Nord", "HN"),
]
COUNTIES = words("""
    Agder, Akershus, Buskerud, Finnmark, Innlandet, Møre og Romsdal, Nordland, Oslo,
    Rogaland, Telemark, Troms, Trøndelag, Vestfold, Vestland, Østfold
""")
PLACE_STEMS = words("""
    Aur, Bjerk, Bre, Brønn, Eik, Eng, Fjell, Fla, Fos, Fro, Gjer, Gran, Grim, Ham, Hol, Hov,
    Kvi, Lang, Lier, Lyng, Mel, Mos, Nor, Od, Ran, Rin, Sel, Ski, Sol, Stav, Stor, Sul, Tin,
    Tor, Tved, Ul, Val, Ves, Vin, Øy, Ål, Ås, Bø, Hå, Rø, Lø, Sand, Berg, Kong, Lev, Ørs,
    Stjør, Meld, Sunn
""")
PLACE_SUFFIXES = words("""
    dal, vik, nes, berg, fjord, stad, sund, øy, heim, vang, land, rud, ås, voll, set,
    strand, bu, haug, li, mo, sand, by, eid, åker, ra, dalen, bygd, fjell
""")
PLACE_PREFIXES = ["Nord-", "Sør-", "Øvre ", "Nedre ", "Indre ", "Ytre ", "Vestre ", "Østre "]
NAV_DISTRICTS = ["sentrum", "nord", "sør", "øst", "vest", "Sentrum øst", "Sentrum vest"]
HF_PATTERNS = [
    "Sykehuset {} HF",
    "Helse {} HF",
    "{} sykehus HF",
    "Universitetssykehuset i {} HF",
    "Sjukehuset i {} HF",
]
CLINICS = words("""
    Klinikk for psykisk helsevern, Kreftklinikken, Medisinsk klinikk, Kirurgisk klinikk,
    Barne- og ungdomsklinikken, Kvinneklinikken, Klinikk for rus- og avhengighetsmedisin,
    Ortopedisk klinikk, Hjerteklinikken, Nevroklinikken, Akuttklinikken, Klinikk for
    bildediagnostikk, Lungeklinikken, Klinikk for habilitering og rehabilitering, Øye- og
    øre-nese-hals-klinikken, Klinikk for laboratoriemedisin
""")
UNIT_TOPICS = words("""
    hjertesvikt, lungesykdommer, nyresykdommer, diabetes, slag, spiseforstyrrelser,
    psykoser, rus og psykiatri, smertebehandling, geriatri, revmatologi, nevrologi, barn og
    unge, fødsel og barsel, kreftbehandling, lindrende behandling, infeksjonssykdommer,
    ortopedi, fysikalsk medisin, ernæring
""")
UNIT_PATTERNS = words("""
    Sengepost for {t}, Poliklinikk for {t}, Seksjon for {t}, Dagbehandling {t}, Sengepost
    {n}, Poliklinikk {n}, {p} DPS, Lærings- og mestringssenteret, Akuttmottaket, Døgnenhet
    {p}
""")
USER_ORG_PATTERNS = [
    "Landsforeningen for {}",
    "Norsk forening for {}",
    "Forbundet for {}",
    "Interesseorganisasjonen for {}",
    "Pasientforeningen for {}",
]
USER_ORG_TOPICS = words("""
    hjerte- og lungesyke, nyresyke, slagrammede, personer med diabetes, personer med
    epilepsi, revmatikere, astma og allergi, ME-syke, kroniske smertepasienter, psoriasis og
    eksem, cøliaki, migrene, personer med demens, Parkinson, MS, afasi, autisme, ADHD,
    Tourette, spiseforstyrrelser, pårørende innen psykisk helse, rusavhengige,
    hørselshemmede, synshemmede, utviklingshemmede, barn med kreft, etterlatte ved selvmord,
    brystkreftopererte, prostatakreft, blodkreft, lymfødem, cerebral parese, ryggmargsbrokk,
    søvnsykdommer, tarmkreft, lungekreft, hjertesyke barn, sjeldne diagnoser, stomiopererte,
    muskelsyke, psykisk helse, eldre pasienter, tinnitus, hodeskadde, Downs syndrom
""")
SMALL_WORDS = {"for", "og", "med", "i", "innen", "ved"}
FORUMS = ["Sentralt forum for brukermedvirkning", "Nasjonalt brukerforum for NAV"]
FIRST_NAMES = words("""
    Kari, Ola, Ingrid, Per, Siri, Jonas, Marit, Tor, Nora, Lars, Emma, Jakob, Sofie, Emil,
    Ida, Henrik, Thea, Magnus, Hanne, Eirik, Anne, Bjørn, Liv, Knut, Solveig, Geir, Hilde,
    Arne, Ragnhild, Øystein, Astrid, Håkon, Tone, Sindre, Maja, Vegard, Camilla, Andreas,
    Silje, Kristian, Linn, Sander, Åse, Trond, Gunn, Aisha, Mohammed, Fatima, Ali, Amina,
    Omar, Piotr, Anna, Tomasz, Agnieszka, Linh, Minh, Máret, Ánde, Niillas, Sunná, Elif,
    Yusuf, Daniel, Sara, Johanne, Mats, Kjersti, Ståle, Berit
""")
LAST_NAMES = words("""
    Hansen, Johansen, Olsen, Larsen, Andersen, Pedersen, Nilsen, Kristiansen, Jensen,
    Karlsen, Johnsen, Pettersen, Eriksen, Berg, Haugen, Hagen, Johannessen, Andreassen,
    Jacobsen, Dahl, Jørgensen, Halvorsen, Henriksen, Lund, Sørensen, Moen, Gundersen,
    Iversen, Strand, Solberg, Svendsen, Eide, Knutsen, Martinsen, Bakken, Lie, Amundsen,
    Nguyen, Rasmussen, Ali, Lunde, Solheim, Berge, Moe, Nygård, Bakke, Holm, Lien, Hauge,
    Sæther, Aas, Myhre, Ahmed, Haugland, Sandvik, Rønning, Næss, Vik, Haug, Birkeland, Ruud,
    Strøm, Myklebust, Tangen, Ødegård, Helland, Bøe, Aune, Tveit, Brekke, Khan, Hussain,
    Kowalski, Nowak, Sara, Gaup, Eira, Yilmaz, Tran, Mohamed
""")
STREETS = words("""
    Storgata, Kirkegata, Sjøgata, Parkveien, Skolegata, Strandgata, Jernbanegata,
    Sykehusveien, Torget, Rådhusgata, Fjellveien, Elvegata
""")

# Where extra staff roles land: (share of the random roles, role weights) per kind.
ROLE_MIX: dict[str, tuple[float, dict[str, int]]] = {
    K.RHF: (0.04, {R.ADMINISTRATOR: 2, R.SECRETARIAT: 3, R.QUALITY_ADVISOR: 2, R.AUDITOR: 2}),
    K.HF: (
        0.20,
        {
            R.ADMINISTRATOR: 2,
            R.SECRETARIAT: 4,
            R.QUALITY_ADVISOR: 3,
            R.CASE_HANDLER: 1,
            R.AUDITOR: 1,
        },
    ),
    K.CLINIC: (
        0.14,
        {R.ADMINISTRATOR: 1, R.SECRETARIAT: 2, R.CASE_HANDLER: 4, R.QUALITY_ADVISOR: 2},
    ),
    K.UNIT: (0.14, {R.CASE_HANDLER: 5, R.ADMINISTRATOR: 1, R.SECRETARIAT: 1}),
    K.MUNICIPALITY: (
        0.20,
        {
            R.ADMINISTRATOR: 2,
            R.SECRETARIAT: 3,
            R.CASE_HANDLER: 4,
            R.COORDINATOR: 1,
            R.QUALITY_ADVISOR: 1,
            R.AUDITOR: 1,
        },
    ),
    K.NAV_OFFICE: (0.12, {R.CASE_HANDLER: 5, R.SECRETARIAT: 2, R.ADMINISTRATOR: 1}),
    K.USER_ORG: (0.06, {R.COORDINATOR: 4, R.ADMINISTRATOR: 2, R.SECRETARIAT: 1}),
    K.USER_ORG_BRANCH: (0.08, {R.COORDINATOR: 5, R.SECRETARIAT: 1}),
    K.FORUM: (0.02, {R.SECRETARIAT: 3, R.COORDINATOR: 1, R.ADMINISTRATOR: 1}),
}
# Roles every organisation of a kind gets (so every role occurs at any scale). The first clinic
# of each HF also gets a case handler (see gen_staff_roles).
REQUIRED_ROLES: dict[str, list[str]] = {
    K.RHF: [R.ADMINISTRATOR, R.AUDITOR],
    K.HF: [R.ADMINISTRATOR, R.SECRETARIAT, R.QUALITY_ADVISOR],
    K.USER_ORG: [R.COORDINATOR],
    K.FORUM: [R.SECRETARIAT],
}


# --- Helpers ----------------------------------------------------------------------------------


def ascii_slug(text: str) -> str:
    """'Sør-Øst Åsvang' → 'sor-ost-aasvang' (for e-mail addresses)."""
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def spread(rng: random.Random, total: int, parents: int, low: int, high: int) -> list[int]:
    """`total` split over `parents`, each between `low` and `high` (exact sum, random shape)."""
    if parents == 0:
        return []
    low = min(low, total // parents)
    high = max(high, -(-total // parents))
    counts = [low] * parents
    for _i in range(total - low * parents):
        open_slots = [i for i, n in enumerate(counts) if n < high]
        counts[rng.choice(open_slots)] += 1
    return counts


def acronym(name: str) -> str:
    words = [w for w in re.split(r"[\s-]+", name) if w and w.lower() not in SMALL_WORDS]
    return "".join(w[0].upper() for w in words)


def bulk[T](objs: Sequence[T]) -> list[T]:
    if not objs:
        return []
    model: Any = type(objs[0])
    return list(model.objects.bulk_create(objs, batch_size=BATCH_SIZE))


def new_place(ctx: Context) -> str:
    """A place name not used before in this run, e.g. 'Granvik', 'Nedre Bjerkheim'."""
    rng = ctx.rng
    taken = set(ctx.places)
    for _attempt in range(1000):
        name = rng.choice(PLACE_STEMS) + rng.choice(PLACE_SUFFIXES)
        if rng.random() < 0.1:
            name = rng.choice(PLACE_PREFIXES) + name
        if name not in taken:
            ctx.places.append(name)
            return name
    raise RuntimeError("ran out of place names")  # pragma: no cover


def organisation(
    ctx: Context, name: str, kind: str, parent: Organisation | None = None, short_name: str = ""
) -> Organisation:
    """An unsaved organisation with invented contact details and the generated-data marker."""
    rng = ctx.rng
    slug = ascii_slug(name)[:50].strip("-")
    base, n = slug, 1
    while slug in ctx.used_slugs:
        n += 1
        slug = f"{base}-{n}"
    ctx.used_slugs.add(slug)
    postcode = rng.randint(1, 9990)
    return Organisation(
        name=name,
        short_name=short_name,
        kind=kind,
        parent=parent,
        email=f"postmottak@{slug}{ORG_EMAIL_SUFFIX}",
        phone=f"{rng.randint(2, 7)}{rng.randint(0, 9)} {rng.randint(10, 99)} "
        f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
        address=f"{rng.choice(STREETS)} {rng.randint(1, 120)}, {postcode:04d} "
        f"{rng.choice(ctx.places) if ctx.places else 'Oslo'}",
    )


def save_orgs(ctx: Context, kind: str, objs: list[Organisation]) -> list[Organisation]:
    saved = bulk(objs)
    ctx.orgs[kind].extend(saved)
    return saved


# --- Steps: one function per kind of data -------------------------------------------------------


def gen_municipalities(ctx: Context) -> None:
    objs = [
        organisation(ctx, f"{new_place(ctx)} kommune", K.MUNICIPALITY)
        for _i in range(ctx.scale.municipalities)
    ]
    save_orgs(ctx, K.MUNICIPALITY, objs)


def gen_nav_offices(ctx: Context) -> None:
    """One office per municipality; the rest are district offices in the largest towns."""
    municipalities = ctx.orgs[K.MUNICIPALITY]
    places = [m.name.removesuffix(" kommune") for m in municipalities]
    names = [f"NAV {p}" for p in places][: ctx.scale.nav_offices]
    extra = ctx.scale.nav_offices - len(names)
    towns = ctx.rng.sample(places, min(len(places), -(-extra // len(NAV_DISTRICTS)) or 0))
    names += [f"NAV {town} {district}" for town in towns for district in NAV_DISTRICTS][:extra]
    while len(names) < ctx.scale.nav_offices:  # fewer municipalities than offices need
        names.append(f"NAV {new_place(ctx)}")
    save_orgs(ctx, K.NAV_OFFICE, [organisation(ctx, n, K.NAV_OFFICE) for n in names])


def gen_rhfs(ctx: Context) -> None:
    objs = []
    for i in range(ctx.scale.rhf):
        region, short = REGIONS[i % len(REGIONS)]
        suffix = f" {i // len(REGIONS) + 1}" if i >= len(REGIONS) else ""
        objs.append(organisation(ctx, f"{region}{suffix} RHF", K.RHF, short_name=short))
    save_orgs(ctx, K.RHF, objs)


def gen_hfs(ctx: Context) -> None:
    """Health trusts named after towns (often a municipality's name), spread over the RHF."""
    rng = ctx.rng
    rhfs = ctx.orgs[K.RHF]
    towns = [m.name.removesuffix(" kommune") for m in ctx.orgs[K.MUNICIPALITY]]
    towns = rng.sample(towns, min(len(towns), ctx.scale.hf))
    towns += [new_place(ctx) for _i in range(ctx.scale.hf - len(towns))]
    objs = []
    for rhf, count in zip(rhfs, spread(rng, ctx.scale.hf, len(rhfs), 1, 8), strict=True):
        for _i in range(count):
            name = rng.choice(HF_PATTERNS).format(towns.pop())
            objs.append(organisation(ctx, name, K.HF, rhf))
    save_orgs(ctx, K.HF, objs)


def gen_clinics(ctx: Context) -> None:
    rng = ctx.rng
    hfs = ctx.orgs[K.HF]
    objs = []
    counts = spread(rng, ctx.scale.clinics, len(hfs), 2, len(CLINICS))
    for hf, count in zip(hfs, counts, strict=True):
        objs += [organisation(ctx, name, K.CLINIC, hf) for name in rng.sample(CLINICS, count)]
    save_orgs(ctx, K.CLINIC, objs)


def _unit_name(ctx: Context, clinic: Organisation, taken: set[str]) -> str:
    rng = ctx.rng
    for _attempt in range(100):
        pattern = rng.choice(UNIT_PATTERNS)
        if "DPS" in pattern and "psykisk" not in clinic.name:
            continue
        name = pattern.format(
            t=rng.choice(UNIT_TOPICS), n=rng.randint(1, 9), p=rng.choice(ctx.places)
        )
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("ran out of unit names")  # pragma: no cover


def gen_units(ctx: Context) -> None:
    rng = ctx.rng
    clinics = ctx.orgs[K.CLINIC]
    objs = []
    for clinic, count in zip(
        clinics, spread(rng, ctx.scale.units, len(clinics), 1, 7), strict=True
    ):
        taken: set[str] = set()
        objs += [
            organisation(ctx, _unit_name(ctx, clinic, taken), K.UNIT, clinic) for _i in range(count)
        ]
    save_orgs(ctx, K.UNIT, objs)


def gen_user_organisations(ctx: Context) -> None:
    rng = ctx.rng
    topics = rng.sample(USER_ORG_TOPICS, min(len(USER_ORG_TOPICS), ctx.scale.user_orgs))
    objs = []
    for i in range(ctx.scale.user_orgs):
        topic = topics[i % len(topics)]
        name = rng.choice(USER_ORG_PATTERNS).format(topic)
        if i >= len(topics):
            name += f" {i // len(topics) + 1}"
        short = acronym(name) if rng.random() < 0.6 else ""
        objs.append(organisation(ctx, name, K.USER_ORG, short_name=short))
    save_orgs(ctx, K.USER_ORG, objs)


def gen_user_org_branches(ctx: Context) -> None:
    """Regional branches named '<organisation or its short name> <county>'."""
    rng = ctx.rng
    parents = ctx.orgs[K.USER_ORG]
    objs = []
    counts = spread(rng, ctx.scale.branches, len(parents), 1, len(COUNTIES))
    for parent, count in zip(parents, counts, strict=True):
        prefix = parent.short_name or parent.name
        objs += [
            organisation(ctx, f"{prefix} {county}", K.USER_ORG_BRANCH, parent)
            for county in rng.sample(COUNTIES, count)
        ]
    save_orgs(ctx, K.USER_ORG_BRANCH, objs)


def gen_forums(ctx: Context) -> None:
    regions = [f"Regionalt forum for brukermedvirkning {r} RHF" for r, _s in REGIONS]
    names = (FORUMS + regions)[: ctx.scale.forums]
    names += [f"Forum for brukermedvirkning {i + 1}" for i in range(ctx.scale.forums - len(names))]
    save_orgs(ctx, K.FORUM, [organisation(ctx, n, K.FORUM) for n in names])


def new_people(ctx: Context, count: int, joined_within_days: int = 900) -> list[User]:
    """`count` saved people with invented names and unique generated e-mail addresses; all share
    GEN_PASSWORD (hashed once) and have a verified e-mail address."""
    from allauth.account.models import EmailAddress

    rng = ctx.rng
    now = timezone.now()
    ctx.password_hash = ctx.password_hash or make_password(GEN_PASSWORD)
    objs = []
    for _i in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if rng.random() < 0.15:
            last = f"{rng.choice(LAST_NAMES)} {last}"
        local = ascii_slug(f"{first}.{last}").replace("-", ".")
        email, n = f"{local}{USER_EMAIL_SUFFIX}", 1
        while email in ctx.used_emails:
            n += 1
            email = f"{local}{n}{USER_EMAIL_SUFFIX}"
        ctx.used_emails.add(email)
        objs.append(
            User(
                email=email,
                full_name=f"{first} {last}",
                password=ctx.password_hash,
                phone=f"9{rng.randint(0, 9)}{rng.randint(0, 9)} {rng.randint(10, 99)} "
                f"{rng.randint(100, 999)}",
                language="en" if rng.random() < 0.05 else "nb",
                date_joined=now - timedelta(days=rng.randint(0, joined_within_days)),
            )
        )
    people = bulk(objs)
    bulk([EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in people])
    return people


def gen_staff_users(ctx: Context) -> None:
    """People with invented names; all share GEN_PASSWORD (hashed once) and a verified e-mail."""
    ctx.users = new_people(ctx, ctx.scale.staff_users)


def gen_staff_roles(ctx: Context) -> None:
    """Required roles first (each to its own person), then one random role for everyone left,
    then a second role for some. Bigger HF (more clinics) attract more staff."""
    rng = ctx.rng
    people = list(ctx.users)
    rng.shuffle(people)
    chosen: set[tuple[int, int, str]] = set()
    roles: list[StaffRole] = []

    def add(user: User, org: Organisation, role: str) -> bool:
        key = (user.pk, org.pk, role)
        if key in chosen:
            return False
        chosen.add(key)
        roles.append(StaffRole(user=user, organisation=org, role=role))
        return True

    required: list[tuple[Organisation, str]] = [
        (org, role)
        for kind, kind_roles in REQUIRED_ROLES.items()
        for org in ctx.orgs[kind]
        for role in kind_roles
    ]
    clinics_by_hf: dict[int, list[Organisation]] = defaultdict(list)
    for clinic in ctx.orgs[K.CLINIC]:
        clinics_by_hf[clinic.parent_id].append(clinic)  # type: ignore[index]
    required += [(clinics[0], R.CASE_HANDLER) for clinics in clinics_by_hf.values()]
    everyone = iter(people)
    for (org, role), user in zip(required, everyone, strict=False):
        add(user, org, role)

    kinds = [k for k in ROLE_MIX if ctx.orgs[k]]
    kind_weights = [ROLE_MIX[k][0] for k in kinds]
    org_weights = {k: [1.0] * len(ctx.orgs[k]) for k in kinds}
    if K.HF in org_weights:
        org_weights[K.HF] = [len(clinics_by_hf[hf.pk]) + 1.0 for hf in ctx.orgs[K.HF]]

    def random_role(user: User) -> None:
        for _attempt in range(20):
            kind = rng.choices(kinds, kind_weights)[0]
            org = rng.choices(ctx.orgs[kind], org_weights[kind])[0]
            mix = ROLE_MIX[kind][1]
            if add(user, org, rng.choices(list(mix), list(mix.values()))[0]):
                return

    for user in everyone:
        random_role(user)
    for user in people:
        if rng.random() < ctx.scale.second_role_share:
            random_role(user)
    ctx.roles = bulk(roles)


STEPS: list[Callable[[Context], None]] = [
    gen_municipalities,
    gen_nav_offices,
    gen_rhfs,
    gen_hfs,
    gen_clinics,
    gen_units,
    gen_user_organisations,
    gen_user_org_branches,
    gen_forums,
    gen_staff_users,
    gen_staff_roles,
]


# --- The protocol for this app (see the module docstring) -------------------------------------


def generated_organisations() -> Any:
    return Organisation.objects.filter(email__endswith=ORG_EMAIL_SUFFIX)


def generated_users() -> Any:
    return User.objects.filter(email__endswith=USER_EMAIL_SUFFIX)


def counts() -> dict[str, int]:
    return {
        "organisations": generated_organisations().count(),
        "users": generated_users().count(),
    }


def summarise(ctx: Context) -> dict[str, int]:
    summary: dict[str, int] = {f"organisations.{k}": len(v) for k, v in ctx.orgs.items()}
    summary["staff_users"] = len(ctx.users)
    summary["staff_roles"] = len(ctx.roles)
    for role, n in sorted(Counter(r.role for r in ctx.roles).items()):
        summary[f"staff_roles.{role}"] = n
    return summary
