"""The demo organisations: real Norwegian organisations (public names), invented people.

The RHF and HF are those listed in 001_53a0d6420bdf312c.txt ("Oppbyggingen av helsevesenet");
the user organisations are those the seeds and NORWAY.md name. Organisations are created and
roles granted through the organisations' services, so each has its history; the platform
operator's superuser flag has no verb (it is set at the command line in real use). Loading
again creates only what is missing.
"""

from medvirke.organisations import services
from medvirke.organisations.models import Organisation, StaffRole

from .people import Login, demo_user

K = Organisation.Kind
R = StaffRole.Role

HEALTH_REGIONS: dict[str, list[str]] = {
    "Helse Vest RHF": [
        "Helse Stavanger HF",
        "Helse Fonna HF",
        "Helse Bergen HF",
        "Helse Førde HF",
        "Apoteka Vest HF",
    ],
    "Helse Midt-Norge RHF": [
        "Helse Sunnmøre HF",
        "Helse Nordmøre og Romsdal HF",
        "St. Olavs Hospital HF",
        "Helse Nord-Trøndelag HF",
        "Sykehusapotekene i Midt-Norge HF",
        "Rusbehandling Midt-Norge HF",
    ],
    "Helse Nord RHF": [
        "Helse Finnmark HF",
        "Universitetssykehuset Nord-Norge HF",
        "Nordlandssykehuset HF",
        "Helgelandssykehuset HF",
        "Sykehusapotek Nord HF",
    ],
    "Helse Sør-Øst RHF": [
        "Akershus universitetssykehus HF",
        "Oslo universitetssykehus HF",
        "Psykiatrien i Vestfold HF",
        "Sunnaas sykehus HF",
        "Sykehuset i Vestfold HF",
        "Sykehuset Innlandet HF",
        "Sykehuset Telemark HF",
        "Sykehuset Østfold HF",
        "Sørlandet sykehus HF",
        "Vestre Viken HF",
        "Sykehusapotekene HF",
    ],
}
SHORT_NAMES = {
    "Helse Vest RHF": "HV",
    "Helse Midt-Norge RHF": "HMN",
    "Helse Nord RHF": "HN",
    "Helse Sør-Øst RHF": "HSØ",
    "St. Olavs Hospital HF": "St. Olav",
    "Helse Bergen HF": "Helse Bergen",
    "Oslo universitetssykehus HF": "OUS",
}
ORG_NUMBERS = {
    "Helse Midt-Norge RHF": "983658725",
    "Helse Bergen HF": "983974724",
    "Trondheim kommune": "942110464",
    "Oslo kommune": "958935420",
}
# (hf, clinic, [units])
CLINICS = [
    (
        "St. Olavs Hospital HF",
        "Klinikk for psykisk helsevern",
        ["Avdeling Østmarka", "Nidaros DPS"],
    ),
    (
        "St. Olavs Hospital HF",
        "Kreftklinikken",
        ["Avdeling for kreftbehandling", "Lærings- og mestringssenteret"],
    ),
    ("St. Olavs Hospital HF", "Klinikk for rus- og avhengighetsmedisin", []),
    ("Helse Bergen HF", "Psykisk helsevern", ["Bjørgvin DPS"]),
    ("Helse Bergen HF", "Kreftavdelingen", []),
    ("Universitetssykehuset Nord-Norge HF", "Psykisk helse- og rusklinikken", []),
]
MUNICIPALITIES = [
    "Trondheim kommune",
    "Bergen kommune",
    "Oslo kommune",
    "Tromsø kommune",
    "Molde kommune",
    "Karasjok kommune – Kárášjoga gielda",
]
NAV_OFFICES = [
    "NAV Trondheim",
    "NAV Bergen",
    "NAV Grünerløkka",
    "NAV Tromsø",
    "NAV Molde",
    "NAV Karasjok",
]
USER_ORGS: dict[str, tuple[str, list[str]]] = {
    "Kreftforeningen": (
        "",
        [
            "Kreftforeningen Midt-Norge",
            "Kreftforeningen Vest",
            "Kreftforeningen Nord",
            "Kreftforeningen Øst",
            "Kreftforeningen Sør",
        ],
    ),
    "Funksjonshemmedes Fellesorganisasjon": ("FFO", ["FFO Trøndelag", "FFO Vestland", "FFO Oslo"]),
    "Samarbeidsforumet av funksjonshemmedes organisasjoner": ("SAFO", []),
    "Mental Helse": ("", ["Mental Helse Trøndelag", "Mental Helse Vestland"]),
    "Landsforeningen for pårørende innen psykisk helse": ("LPP", ["LPP Trøndelag"]),
    "Rusmisbrukernes interesseorganisasjon": ("RIO", ["RIO Midt-Norge"]),
    "Pensjonistforbundet": ("", ["Pensjonistforbundet Trøndelag"]),
}
FORUMS = [
    "Sentralt forum for brukermedvirkning",
    "Regionalt forum for brukermedvirkning Midt-Norge",
]

# (e-mail, name, [(organisation, role)])
PERSONAS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("admin@demo.medvirke.no", "Ingrid Bakken", [("Helse Midt-Norge RHF", R.ADMINISTRATOR)]),
    (
        "sekretariat@demo.medvirke.no",
        "Siri Lunde",
        [("St. Olavs Hospital HF", R.SECRETARIAT), ("Helse Midt-Norge RHF", R.SECRETARIAT)],
    ),
    ("koordinator@demo.medvirke.no", "Per Haugen", [("Kreftforeningen Midt-Norge", R.COORDINATOR)]),
    (
        "saksbehandler@demo.medvirke.no",
        "Jonas Eide",
        [("Klinikk for psykisk helsevern", R.CASE_HANDLER)],
    ),
    ("kvalitet@demo.medvirke.no", "Marit Solberg", [("St. Olavs Hospital HF", R.QUALITY_ADVISOR)]),
    ("revisor@demo.medvirke.no", "Tor Lie", [("Helse Midt-Norge RHF", R.AUDITOR)]),
    ("ffo@demo.medvirke.no", "Aisha Rahman", [("FFO Trøndelag", R.COORDINATOR)]),
    (
        "kommune@demo.medvirke.no",
        "Lars Moe",
        [("Trondheim kommune", R.SECRETARIAT), ("Trondheim kommune", R.ADMINISTRATOR)],
    ),
    ("nav@demo.medvirke.no", "Nora Berg", [("NAV Trondheim", R.SECRETARIAT)]),
]
PLATFORM_OPERATOR = ("drift@demo.medvirke.no", "Eirik Drift")


def _org(name: str, kind: str, parent: Organisation | None = None, short: str = "") -> Organisation:
    org = Organisation.objects.filter(name=name, parent=parent).first()
    if org is None:
        org = Organisation(
            name=name,
            parent=parent,
            kind=kind,
            short_name=short or SHORT_NAMES.get(name, ""),
            org_number=ORG_NUMBERS.get(name, ""),
        )
        # By nobody: the demo's organisations are set up by the system, as an import would be.
        services.save_organisation(org, by=None)
    return org


def load() -> list[Login]:
    """Create (or top up) the demo organisations and their staff; returns their logins."""
    orgs: dict[str, Organisation] = {}
    for rhf_name, hfs in HEALTH_REGIONS.items():
        rhf = orgs[rhf_name] = _org(rhf_name, K.RHF)
        for hf_name in hfs:
            orgs[hf_name] = _org(hf_name, K.HF, rhf)
    for hf_name, clinic_name, units in CLINICS:
        clinic = orgs[clinic_name] = _org(clinic_name, K.CLINIC, orgs[hf_name])
        for unit in units:
            orgs[unit] = _org(unit, K.UNIT, clinic)
    for name in MUNICIPALITIES:
        orgs[name] = _org(name, K.MUNICIPALITY)
    for name in NAV_OFFICES:
        orgs[name] = _org(name, K.NAV_OFFICE)
    for name, (short, branches) in USER_ORGS.items():
        parent = orgs[name] = _org(name, K.USER_ORG, short=short)
        for branch in branches:
            orgs[branch] = _org(branch, K.USER_ORG_BRANCH, parent)
    for name in FORUMS:
        orgs[name] = _org(name, K.FORUM)

    logins = []
    for email, full_name, roles in PERSONAS:
        user = demo_user(email, full_name)
        for org_name, role in roles:
            services.grant_role(user, orgs[org_name], role, by=None)
        logins.append(
            (
                email,
                full_name,
                ", ".join(f"{StaffRole.Role(role).label} – {org}" for org, role in roles),
            )
        )
    operator = demo_user(*PLATFORM_OPERATOR, is_superuser=True, is_staff=True)
    logins.append((operator.email, operator.full_name, "Plattformadministrator (superuser)"))
    return logins
