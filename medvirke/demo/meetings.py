"""Demo meetings for the demo councils (demo/bodies.py): a year of them around today, so the
demo always looks current. Past meetings were called, held (attendance recorded, one member
absent with a deputy called in) and their minutes approved and published; the newest one of
the trust council has draft minutes out for comments. Upcoming meetings are planned, one is
called with its agenda and papers. Cases come from the themes of the seed documents (waiting
times, patient information, individual plan routines, a new building, a service redesign);
advice has every answer (followed, partly, not followed, under consideration, one changed
answer, one overdue without an answer), one case has a dissent, one paper came late and one
case was proposed by the demo representative.

Built through the meetings services as the demo secretariat, so the history is real. Where a
service refuses the past (calling a meeting, reporting absence, the papers' lateness, which it
reads from the clock), the row is saved with its history directly, and the times the services
stamp "now" (called, approved, published, answered) are moved back to when they would have
happened; the history rows keep the time the demo was loaded. Idempotent: nothing happens if
the first demo council already has meetings.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import typst
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from medvirke.bodies.models import Body, Seat, Term
from medvirke.core.history import save_with_history
from medvirke.meetings import services
from medvirke.meetings.models import (
    AbsenceNotice,
    Advice,
    AdviceResponse,
    Case,
    Meeting,
    Minutes,
    Paper,
)
from medvirke.meetings.permissions import is_member, member_terms
from medvirke.organisations.models import Organisation

from .people import Login
from .representatives import PERSONA

K = Case.Kind
P = Case.Phase
S = AdviceResponse.Status

SECRETARY = "sekretariat@demo.medvirke.no"
CASE_HANDLER = "saksbehandler@demo.medvirke.no"
CASE_UNIT = "Klinikk for psykisk helsevern"
REGIONAL = "Regionalt brukerutvalg i Helse Midt-Norge"
TRUST = "Brukerutvalget ved St. Olavs hospital"


@dataclass
class AdviceSpec:
    text: str
    # Answers in order (status, reasoning); none: unanswered. Days after the meeting each came.
    answers: list[tuple[str, str]] = field(default_factory=list)
    due_days: int = 42


@dataclass
class CaseSpec:
    title: str
    description: str
    kind: str
    conclusion: str
    phase: str = P.PLANNING
    advice: AdviceSpec | None = None
    dissent: str = ""
    exemption: str = ""
    paper: str = ""  # title of the case's paper, if any
    late_paper: bool = False


@dataclass
class MeetingSpec:
    days: int  # from today; negative: past
    title: str
    place: str
    cases: list[CaseSpec] = field(default_factory=list)
    notes: str = ""
    called: bool = False  # upcoming: called with the agenda
    absence: bool = False  # past: a member absent, the first deputy called in
    for_comment: bool = False  # past: minutes out for comments, not yet approved
    proposal: tuple[str, str] | None = None  # (title, description) proposed by the persona


PLACE_RHF = "Helse Midt-Norge RHF, Mellomila 37, Trondheim (møterom Nidelva)"
PLACE_STO = "St. Olavs hospital, Kunnskapssenteret, møterom 1"

REGIONAL_MEETINGS = [
    MeetingSpec(
        -240,
        "Møte 1",
        PLACE_RHF,
        notes="Møtet ble ledet av leder. Utvalget var beslutningsdyktig.",
        cases=[
            CaseSpec(
                "Ventetider og fristbrudd i spesialisthelsetjenesten i Midt-Norge",
                "Fagdirektøren orienterer om ventetider for utredning og behandling i "
                "helseforetakene, fristbrudd siste tertial og tiltakene som er satt i gang. "
                "Brukerutvalget har etterspurt tallene fordelt på fagområde, særlig psykisk "
                "helsevern for barn og unge og rusbehandling.",
                K.ORIENTATION,
                "Brukerutvalget tar orienteringen til etterretning og ber om tall per "
                "fagområde i hvert tertial.",
                phase=P.EVALUATION,
                paper="Ventetider og fristbrudd – tertialrapport",
            ),
            CaseSpec(
                "Revisjon av handlingsplan for brukermedvirkning",
                "Handlingsplanen for brukermedvirkning skal gjennomgås. Utvalget drøfter hvilke "
                "mål og tiltak som bør videreføres, og hvordan brukermedvirkning kan bli en "
                "naturlig del av virksomheten på alle nivå.",
                K.DISCUSSION,
                "Utvalget ønsker at planen får tydelige mål for brukermedvirkning på tjeneste- "
                "og systemnivå. To medlemmer deltar i arbeidsgruppen.",
                phase=P.IDEA,
            ),
            CaseSpec(
                "Høring: regional standard for pasientinformasjon og innkallingsbrev",
                "Helse Midt-Norge har sendt utkast til felles standard for innkallingsbrev og "
                "skriftlig pasientinformasjon på høring. Utvalget bes om å uttale seg om språk, "
                "innhold og digitale kanaler.",
                K.CONSULTATION,
                "Utvalget støtter standarden med endringene i rådet under.",
                advice=AdviceSpec(
                    "Innkallingsbrev skrives i klarspråk, oppgir en kontaktperson med direkte "
                    "telefonnummer og sendes digitalt eller på papir etter pasientens valg.",
                    [
                        (
                            S.FOLLOWED,
                            "Standarden er endret i tråd med rådet og gjelder fra 1. juni. "
                            "Brukerutvalget får se de nye brevmalene.",
                        )
                    ],
                ),
                paper="Utkast til standard for pasientinformasjon",
            ),
        ],
    ),
    MeetingSpec(
        -170,
        "Møte 2",
        PLACE_RHF,
        cases=[
            CaseSpec(
                "Nytt psykiatribygg – brukermedvirkning i forprosjektet",
                "Forprosjektet for nytt psykiatribygg starter. Prosjektdirektøren ber om råd "
                "om hvordan brukere og pårørende skal delta i brukergruppene for arealer, "
                "skjerming, uteområder og besøksrom.",
                K.ADVICE,
                "Utvalget gir råd som under.",
                advice=AdviceSpec(
                    "Minst to brukerrepresentanter med egen erfaring fra psykisk helsevern "
                    "deltar i hver brukergruppe i forprosjektet, med opplæring og godtgjøring, "
                    "og pårørende får en egen gruppe.",
                    [
                        (
                            S.PARTLY_FOLLOWED,
                            "Brukerrepresentanter deltar i alle brukergrupper, men med én "
                            "representant per gruppe av kapasitetshensyn. Pårørende deltar i "
                            "gruppen for besøksrom og uteområder.",
                        )
                    ],
                ),
                paper="Forprosjekt nytt psykiatribygg – organisering",
            ),
            CaseSpec(
                "Rutiner for individuell plan og koordinator",
                "Gjennomgangen av rutinene for individuell plan viser at mange pasienter med "
                "behov for langvarige og koordinerte tjenester ikke får tilbud om plan eller "
                "koordinator. Utvalget bes om råd om felles rutine for helseforetakene.",
                K.ADVICE,
                "Utvalget gir råd som under.",
                advice=AdviceSpec(
                    "Alle helseforetak innfører en felles rutine der pasienter med rett til "
                    "individuell plan får tilbud om plan og koordinator ved utskrivning, og "
                    "der tilbudet dokumenteres i journalen.",
                    [
                        (
                            S.NOT_FOLLOWED,
                            "Helseforetakene beholder egne rutiner i år fordi ny journalløsning "
                            "innføres. Saken tas opp igjen når journalløsningen er på plass.",
                        )
                    ],
                ),
            ),
            CaseSpec(
                "Opplæring av brukerrepresentanter",
                "Orientering om neste års opplæringsprogram for nye brukerrepresentanter, i "
                "samarbeid med FFO og Kreftforeningen.",
                K.ORIENTATION,
                "Orienteringen tas til etterretning.",
            ),
        ],
    ),
    MeetingSpec(
        -100,
        "Møte 3",
        PLACE_RHF,
        absence=True,
        cases=[
            CaseSpec(
                "Omlegging av poliklinikktilbudet til digital hjemmeoppfølging",
                "Helseforetakene vil legge om deler av poliklinikktilbudet for kronisk syke til "
                "digital hjemmeoppfølging. Utvalget bes om råd før beslutningen tas.",
                K.ADVICE,
                "Flertallet gir råd som under.",
                advice=AdviceSpec(
                    "Omleggingen gjennomføres trinnvis, og pasienter som ikke kan eller vil bruke "
                    "digitale løsninger beholder tilbudet om fysisk oppmøte.",
                    [
                        (
                            S.UNDER_CONSIDERATION,
                            "Rådet vurderes i arbeidet med ny tjenestemodell. Endelig svar "
                            "kommer når prosjektet legger fram sin anbefaling.",
                        )
                    ],
                ),
                dissent="Jeg mener omleggingen ikke bør starte før det er gjort en "
                "konsekvensutredning for eldre pasienter og pasienter med kognitive "
                "vansker. Trinnvis innføring er ikke nok.",
                paper="Ny tjenestemodell – digital hjemmeoppfølging",
            ),
            CaseSpec(
                "Pasientinformasjon på nett: sykehusenes nettsider og helsenorge.no",
                "Mange pasienter finner ikke oppdatert informasjon om behandlingstilbud og "
                "ventetider på nett. Utvalget bes om råd om hva som bør prioriteres.",
                K.ADVICE,
                "Utvalget gir råd som under.",
                advice=AdviceSpec(
                    "Informasjonen om hvert behandlingstilbud oppdateres minst hvert halvår, "
                    "oppgir forventet ventetid og er testet av brukere før den publiseres.",
                    due_days=42,
                ),
            ),
            CaseSpec(
                "Pasientreiser – erfaringer fra brukerne",
                "Utvalget drøfter erfaringer med pasientreiser, særlig ventetid på "
                "returtransport og informasjon om egenandeler.",
                K.DISCUSSION,
                "Utvalget ber administrasjonen ta erfaringene med i dialogen med Pasientreiser HF.",
            ),
        ],
    ),
    MeetingSpec(
        -30,
        "Møte 4",
        PLACE_RHF,
        cases=[
            CaseSpec(
                "Samvalg i poliklinikken – pilot",
                "Orientering om piloten med samvalgsverktøy i tre poliklinikker, og spørsmål om "
                "utvalget vil anbefale at den utvides.",
                K.ADVICE,
                "Utvalget gir råd som under.",
                advice=AdviceSpec(
                    "Piloten utvides til alle poliklinikker, og brukere deltar i evalueringen.",
                    due_days=60,
                ),
                phase=P.IMPLEMENTATION,
            ),
            CaseSpec(
                "Ventetider: oppfølging av tiltakene",
                "Fagdirektøren orienterer om effekten av tiltakene mot lange ventetider for "
                "utredning.",
                K.ORIENTATION,
                "Orienteringen tas til etterretning. Utvalget ber om ny status om et halvt år.",
                phase=P.EVALUATION,
                paper="Ventetider – statusnotat (ettersendt)",
                late_paper=True,
            ),
        ],
    ),
    MeetingSpec(
        12,
        "Møte 5",
        PLACE_RHF,
        called=True,
        cases=[
            CaseSpec(
                "Økonomisk langtidsplan – innspill fra brukerutvalget",
                "Administrerende direktør ber om utvalgets innspill til prioriteringene i "
                "økonomisk langtidsplan for de neste fire årene.",
                K.CONSULTATION,
                "",
                phase=P.PLANNING,
                paper="Økonomisk langtidsplan – saksframlegg",
            ),
            CaseSpec(
                "Likepersonsarbeid i sykehusene",
                "Utvalget drøfter hvordan likepersoner fra pasientorganisasjonene kan få en "
                "fast plass i sykehusenes pasientforløp.",
                K.DISCUSSION,
                "",
                phase=P.IDEA,
            ),
            CaseSpec(
                "Anskaffelse av pasienttransport – brukernes krav",
                "Utvalget gir innspill til kravspesifikasjonen før konkurransen lyses ut.",
                K.CONSULTATION,
                "",
                exemption="Offentleglova § 23 første ledd (forhandlingsposisjon)",
            ),
        ],
    ),
    MeetingSpec(
        75,
        "Møte 6",
        PLACE_RHF,
        cases=[
            CaseSpec(
                "Evaluering av omleggingen til digital hjemmeoppfølging",
                "Første evaluering av den nye tjenestemodellen, med brukernes erfaringer.",
                K.DISCUSSION,
                "",
                phase=P.EVALUATION,
            ),
        ],
    ),
    MeetingSpec(140, "Møte 7", PLACE_RHF),
]

TRUST_MEETINGS = [
    MeetingSpec(
        -200,
        "",
        PLACE_STO,
        cases=[
            CaseSpec(
                "Ventetid i akuttmottaket",
                "Klinikken orienterer om ventetid i akuttmottaket på kveld og natt og ber om "
                "råd om informasjon til pasienter og pårørende som venter.",
                K.ADVICE,
                "Utvalget gir råd som under.",
                advice=AdviceSpec(
                    "Pasienter og pårørende i akuttmottaket får informasjon om forventet "
                    "ventetid på skjerm og muntlig minst hver time.",
                    [
                        (
                            S.UNDER_CONSIDERATION,
                            "Vi vurderer løsninger for skjerm i venterommet.",
                        ),
                        (
                            S.FOLLOWED,
                            "Skjerm med forventet ventetid er satt opp, og sykepleier i "
                            "mottaket informerer muntlig hver time.",
                        ),
                    ],
                ),
            ),
            CaseSpec(
                "Pasientinformasjon før planlagt operasjon",
                "Utvalget drøfter hvordan informasjonen før planlagt operasjon kan bli lettere å "
                "forstå, også for pasienter med annet morsmål.",
                K.DISCUSSION,
                "Utvalget ber om å få se de nye informasjonsskrivene før de tas i bruk.",
            ),
        ],
    ),
    MeetingSpec(
        -130,
        "",
        PLACE_STO,
        cases=[
            CaseSpec(
                "Rutiner for individuell plan i psykisk helsevern",
                "Klinikk for psykisk helsevern har revidert rutinen for individuell plan og "
                "koordinator og ber om utvalgets råd.",
                K.ADVICE,
                "Utvalget gir råd som under.",
                advice=AdviceSpec(
                    "Rutinen sier at pasienten selv velger koordinator når det er mulig, og at "
                    "kommunen kontaktes før utskrivning.",
                    [
                        (
                            S.PARTLY_FOLLOWED,
                            "Kommunen kontaktes nå før utskrivning. Pasientens ønske om "
                            "koordinator skal vektlegges, men kan ikke alltid oppfylles.",
                        )
                    ],
                ),
                paper="Revidert rutine for individuell plan",
            ),
        ],
    ),
    MeetingSpec(
        -60,
        "",
        PLACE_STO,
        cases=[
            CaseSpec(
                "Ombygging av barne- og ungdomsklinikken",
                "Prosjektleder orienterer om ombyggingen og hvordan barn, unge og foreldre "
                "involveres i utformingen av rommene.",
                K.ORIENTATION,
                "Orienteringen tas til etterretning. Ungdomsrådet bør involveres.",
                phase=P.PLANNING,
            ),
        ],
    ),
    MeetingSpec(
        -10,
        "",
        PLACE_STO,
        for_comment=True,
        cases=[
            CaseSpec(
                "Omlegging av dagkirurgien",
                "Dagkirurgien flyttes til nye lokaler og får nye åpningstider. Utvalget bes om "
                "råd om informasjon til pasientene i overgangen.",
                K.ADVICE,
                "Utvalget gir råd som under.",
                advice=AdviceSpec(
                    "Alle pasienter med time de første tre månedene får brev med kart og "
                    "telefonnummer, og skilting testes av brukere før flyttingen.",
                    due_days=45,
                ),
                phase=P.IMPLEMENTATION,
            ),
        ],
    ),
    MeetingSpec(
        25,
        "",
        PLACE_STO,
        proposal=(
            "Tolketjeneste og pasientinformasjon på flere språk",
            "Pasienter med annet morsmål får ofte ikke tolk ved poliklinisk time. Jeg foreslår "
            "at utvalget ber om en orientering om bruken av tolk og om hvilke "
            "informasjonsskriv som finnes på andre språk.",
        ),
    ),
]

PAPER_SOURCE = b"""// A demo meeting paper; the text comes in as data, never as markup.
#let d = json(bytes(sys.inputs.data))
#set document(title: d.title, author: d.author)
#set page(paper: "a4", margin: 25mm)
#set text(font: "Libertinus Serif", size: 11pt, lang: "nb")
#text(size: 9pt, fill: luma(90))[#d.body #linebreak() #d.meeting]
#v(4mm)
#text(size: 16pt, weight: "bold")[#d.title]
#v(2mm)
#for p in d.paragraphs [
  #p
  #parbreak()
]
"""


def paper_pdf(title: str, case: Case, meeting: Meeting, text: str) -> bytes:
    """A small real PDF for a demo paper (Typst, as the appointment letters)."""
    data = {
        "title": title,
        "author": "Sekretariatet",
        "body": str(meeting.body),
        "meeting": f"Sak {case.reference} – møte {timezone.localtime(meeting.starts_at):%d.%m.%Y}",
        "paragraphs": [case.title, text, "Saksframlegget er laget for demoen av Medvirke."],
    }
    return typst.compile(
        PAPER_SOURCE,
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        ignore_system_fonts=True,
    )


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _holder(body: Body, role: str, day: date) -> Term | None:
    return (
        member_terms(body, day)
        .filter(seat__role=role)
        .select_related("representative__user", "seat")
        .order_by("seat__rank")
        .first()
    )


def load() -> list[Login]:
    """Give the demo councils a year of meetings (after the councils)."""
    bodies = {b.name: b for b in Body.objects.filter(name__in=[REGIONAL, TRUST])}
    if not bodies or Meeting.objects.filter(body__in=bodies.values()).exists():
        return []
    users = {
        u.email: u for u in get_user_model().objects.filter(email__endswith="@demo.medvirke.no")
    }
    secretary = users.get(SECRETARY)
    if secretary is None:
        return []
    unit = Organisation.objects.filter(name=CASE_UNIT).first()
    owner = users.get(CASE_HANDLER)
    for name, specs in ((REGIONAL, REGIONAL_MEETINGS), (TRUST, TRUST_MEETINGS)):
        if name in bodies:
            _load_body(bodies[name], specs, by=secretary, owner=owner, unit=unit, users=users)
    return []


def _load_body(
    body: Body,
    specs: list[MeetingSpec],
    *,
    by: Any,
    owner: Any,
    unit: Organisation | None,
    users: dict[str, Any],
) -> None:
    meetings: list[Meeting] = []
    for spec in specs:
        meeting = services.plan_meeting(
            body,
            starts_at=_at(spec.days, 10),
            ends_at=_at(spec.days, 15),
            by=by,
            place=spec.place,
            title=spec.title,
        )
        meetings.append(meeting)
        cases = [_case(body, meeting, c, by=by, owner=owner, unit=unit) for c in spec.cases]
        if spec.proposal and PERSONA[0] in users:
            _proposal(body, meeting, spec.proposal, by=by, persona=users[PERSONA[0]])
        if spec.days > 0:
            for case, case_spec in zip(cases, spec.cases, strict=True):
                if case_spec.paper:
                    pdf = paper_pdf(case_spec.paper, case, meeting, case.description)
                    upload = SimpleUploadedFile(
                        f"sak-{case.number}-{case.year}.pdf", pdf, "application/pdf"
                    )
                    services.publish_paper(
                        meeting, upload=upload, title=case_spec.paper, by=by, case=case
                    )
            if spec.called:
                services.call_meeting(meeting, by=by)
                _absence_ahead(meeting, by=by)
            continue
        _hold(meeting, spec, cases, by=by)
    # Minutes: approved at the next meeting when that one is past, else by the chair.
    for i, (meeting, spec) in enumerate(zip(meetings, specs, strict=True)):
        if spec.days > 0:
            continue
        following = meetings[i + 1] if i + 1 < len(meetings) else None
        _minutes(meeting, spec, following, by=by, owner=owner)


def _case(body: Body, meeting: Meeting, spec: CaseSpec, *, by: Any, owner: Any, unit: Any) -> Case:
    advice_case = spec.kind in (K.ADVICE, K.CONSULTATION)
    return services.add_case(
        body,
        title=spec.title,
        description=spec.description,
        kind=spec.kind,
        meeting=meeting,
        by=by,
        no_individual_patient=True,
        owner_unit=unit if advice_case else None,
        owner_person=owner if advice_case else None,
        is_public=not spec.exemption,
        exemption_basis=spec.exemption,
        phase=spec.phase,
    )


def _proposal(
    body: Body, meeting: Meeting, proposal: tuple[str, str], *, by: Any, persona: Any
) -> None:
    """The demo representative proposes a case, and the secretariat puts it on the agenda."""
    if not is_member(persona, body):
        return
    title, description = proposal
    made = services.propose_case(body, title=title, description=description, by=persona)
    services.accept_proposal(made, meeting=meeting, by=by, kind=K.ORIENTATION)


def _hold(meeting: Meeting, spec: MeetingSpec, cases: list[Case], *, by: Any) -> None:
    """A past meeting: its papers (back-dated), called two weeks ahead, attendance, held."""
    for case, case_spec in zip(cases, spec.cases, strict=True):
        if not case_spec.paper:
            continue
        days_before = 2 if case_spec.late_paper else 10
        pdf = paper_pdf(case_spec.paper, case, meeting, case.description)
        paper = Paper(
            meeting=meeting,
            case=case,
            title=case_spec.paper,
            file=ContentFile(pdf, name=f"sak-{case.number}-{case.year}.pdf"),
            content_type="application/pdf",
            size=len(pdf),
            late=case_spec.late_paper,
            published_by=by,
            published_at=meeting.starts_at - timedelta(days=days_before),
        )
        save_with_history(paper, actor=by, parent=meeting, note="demo")
    meeting.status = Meeting.Status.CALLED
    meeting.called_at = meeting.starts_at - timedelta(days=14)
    save_with_history(meeting, actor=by, parent=meeting.body, note="demo: called")
    day = timezone.localdate(meeting.starts_at)
    terms = list(
        member_terms(meeting.body, day)
        .select_related("representative__user", "seat")
        .order_by("seat__role", "seat__rank")
    )
    absent: Term | None = None
    deputy: Term | None = None
    if spec.absence:
        # The last member by rank (the first one dissents later in the year).
        absent = next((t for t in reversed(terms) if t.seat.role == Seat.Role.MEMBER), None)
        deputy = next((t for t in terms if t.seat.role == Seat.Role.DEPUTY), None)
    if absent is not None:
        # Absence is reported before a meeting; the service refuses the past, so the notice is
        # written as it would have been, a few days ahead.
        notice = AbsenceNotice(
            meeting=meeting,
            term=absent,
            reason="Innlagt på sykehus.",
            deputy=deputy,
            deputy_called_at=meeting.starts_at - timedelta(days=3) if deputy else None,
            sent_by=absent.representative.user,
        )
        save_with_history(notice, actor=absent.representative.user, parent=meeting, note="demo")
        AbsenceNotice.objects.filter(pk=notice.pk).update(
            sent_at=meeting.starts_at - timedelta(days=4)
        )
    for term in terms:
        if term.seat.role == Seat.Role.DEPUTY and term != deputy:
            continue  # deputies come only when called in
        if term.seat.role == Seat.Role.OBSERVER:
            continue
        services.record_attendance(
            meeting,
            person=term.representative.user,
            by=by,
            present=term != absent,
            arrived_at=meeting.starts_at if term != absent else None,
            left_at=meeting.ends_at if term != absent else None,
        )
    services.mark_held(meeting, by=by)


def _absence_ahead(meeting: Meeting, *, by: Any) -> None:
    """In the called meeting, the last member reports absence; the first deputy is called in."""
    day = timezone.localdate(meeting.starts_at)
    term = (
        member_terms(meeting.body, day)
        .filter(seat__role=Seat.Role.MEMBER)
        .select_related("representative__user")
        .order_by("-seat__rank")
        .first()
    )
    if term is not None:
        services.send_absence_notice(
            meeting,
            representative=term.representative,
            by=term.representative.user,
            reason="Jobbreise.",
        )


def _minutes(
    meeting: Meeting,
    spec: MeetingSpec,
    following: Meeting | None,
    *,
    by: Any,
    owner: Any,
) -> None:
    cases = list(Case.objects.on_agenda(meeting))
    minutes = services.start_minutes(meeting, by=by)
    services.update_minutes(
        minutes,
        by=by,
        expected_version=minutes.version,
        text=spec.notes or "Møtet ble ledet av leder. Utvalget var beslutningsdyktig.",
        conclusions={
            c.pk: s.conclusion for c, s in zip(cases, spec.cases, strict=True) if s.conclusion
        },
    )
    day = timezone.localdate(meeting.starts_at)
    answers: list[tuple[Advice, list[tuple[str, str]]]] = []
    for case, case_spec in zip(cases, spec.cases, strict=True):
        if case_spec.dissent:
            member = _holder(meeting.body, Seat.Role.MEMBER, timezone.localdate())
            if member is not None:
                services.add_dissent(
                    minutes,
                    case=case,
                    person=member.representative.user,
                    text=case_spec.dissent,
                    by=by,
                )
        if case_spec.advice is not None:
            advice = services.record_advice(
                case,
                text=case_spec.advice.text,
                due_on=day + timedelta(days=case_spec.advice.due_days),
                by=by,
            )
            answers.append((advice, case_spec.advice.answers))
    if spec.for_comment:
        services.send_minutes_for_comments(
            minutes, deadline=timezone.localdate() + timedelta(days=7), by=by
        )
        return
    chair = _holder(meeting.body, Seat.Role.LEADER, day)
    if following is not None and following.starts_at < timezone.now():
        services.approve_minutes(
            minutes, by=by, how=Minutes.ApprovedHow.MEETING, at_meeting=following
        )
        approved = following.ends_at
    else:
        services.approve_minutes(minutes, by=chair.representative.user if chair else by)
        approved = meeting.starts_at + timedelta(days=5)
    services.publish_minutes(minutes, by=by)
    Minutes.objects.filter(pk=minutes.pk).update(
        approved_at=approved, published_at=approved + timedelta(days=1)
    )
    # The case owner answers; each answer a few weeks after the one before.
    for advice, given in answers:
        for n, (status, reasoning) in enumerate(given, start=1):
            response = services.respond_to_advice(
                advice, status=status, reasoning=reasoning, by=owner
            )
            AdviceResponse.objects.filter(pk=response.pk).update(
                responded_at=meeting.starts_at + timedelta(days=14 * n + 7)
            )
