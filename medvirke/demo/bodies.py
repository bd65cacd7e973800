"""Demo councils and groups for the demo organisations, with a history: past terms, current
members, one resignation with a vacant seat, one term carried over past its end, and one open
call with two nominations.

Built through the bodies' services (a body with its secretariat, the resignation, the call, the
nominations, the appointment waiting for the persona's confirmation), so the history is real.
Two things have no verb and are saved with their history directly: the terms people held before
the demo begins (appointed outside Medvirke, some already ended, which `appoint` cannot
back-date), and the term that ran out without a successor (its end date moved into the past).
Nothing happens if the first demo council exists.
"""

from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from medvirke.bodies import body_admin, services
from medvirke.bodies.models import Body, Seat, Term
from medvirke.core.history import save_with_history
from medvirke.organisations.models import Organisation
from medvirke.representatives.models import Affiliation, Representative

from .people import Login
from .representatives import PERSONA

K = Body.Kind
# (name, kind, owner, level, ladder step, justification, mandate, seats (leader, deputy leader,
# members, deputies), secretariat e-mail)
BODIES = [
    (
        "Regionalt brukerutvalg i Helse Midt-Norge",
        K.REGIONAL_COUNCIL,
        "Helse Midt-Norge RHF",
        "system",
        3,
        "Mandatet gir utvalget rett til å delta i planarbeid fra start og å bli hørt før styret "
        "vedtar: medbestemmelse.",
        "Brukerutvalget er et rådgivende organ for styret og administrerende direktør i Helse "
        "Midt-Norge RHF. Utvalget skal bidra til at pasienters og pårørendes erfaringer brukes i "
        "planlegging, utvikling og evaluering av tjenestene.",
        (1, 1, 8, 3),
        "sekretariat@demo.medvirke.no",
    ),
    (
        "Brukerutvalget ved St. Olavs hospital",
        K.TRUST_COUNCIL,
        "St. Olavs Hospital HF",
        "system",
        2,
        "Utvalget gir råd når direktøren ber om det: konsultasjon.",
        "Brukerutvalget gir råd til direktøren om pasientforløp, pasientinformasjon og "
        "ventetider, og skal ikke behandle enkeltsaker.",
        (1, 1, 6, 2),
        "sekretariat@demo.medvirke.no",
    ),
    (
        "Brukergruppe ved Nidaros DPS",
        K.USER_GROUP,
        "Nidaros DPS",
        "service",
        3,
        "Gruppen er med i forbedringsarbeidet fra idé til evaluering.",
        "Brukergruppen deltar i forbedringsarbeid ved poliklinikken og døgnenheten.",
        (1, 0, 4, 0),
        "sekretariat@demo.medvirke.no",
    ),
    (
        "Brukerrådet i Trondheim kommune",
        K.USER_COUNCIL,
        "Trondheim kommune",
        "system",
        2,
        "Rådet uttaler seg i saker kommunen legger fram.",
        "Brukerrådet gir råd om helse- og omsorgstjenestene i kommunen.",
        (1, 1, 5, 2),
        "kommune@demo.medvirke.no",
    ),
    (
        "Regionalt forum for brukermedvirkning Midt-Norge – arbeidsgruppe",
        K.WORKING_GROUP,
        "Regionalt forum for brukermedvirkning Midt-Norge",
        "system",
        2,
        "Arbeidsgruppen forbereder forumets innspill.",
        "Arbeidsgruppen koordinerer forslag på kandidater fra organisasjonene i regionen.",
        (1, 0, 3, 0),
        "koordinator@demo.medvirke.no",
    ),
]


def load() -> list[Login]:
    """Create the demo councils and their people (after the representatives)."""
    if Body.objects.filter(name=BODIES[0][0]).exists():
        return []
    users = {
        u.email: u for u in get_user_model().objects.filter(email__endswith="@demo.medvirke.no")
    }
    orgs = {o.name: o for o in Organisation.objects.all()}
    reps = list(Representative.objects.select_related("user").order_by("user__email"))
    persona = next(r for r in reps if r.user.email == PERSONA[0])
    others = [r for r in reps if r.pk != persona.pk]
    today = timezone.localdate()
    term_start = date(today.year - 1, 1, 1)
    pool = iter(others)
    bodies = {}
    for name, kind, owner, level, step, why, mandate, seats, secretary in BODIES:
        if owner not in orgs:
            continue
        by = users[secretary]
        body = Body(
            name=name,
            kind=kind,
            owner=orgs[owner],
            level=level,
            ladder_step=step,
            ladder_justification=why,
            mandate=mandate,
            leader_seats=seats[0],
            deputy_leader_seats=seats[1],
            member_seats=seats[2],
            deputy_seats=seats[3],
        )
        body_admin.create_body(body, secretariat=[by], by=by)
        bodies[name] = body
        for seat in body.seats.order_by("role", "rank"):
            rep = next(pool, None)
            if rep is None:
                break
            org = _nominating_org(rep)
            # A past term in the same seat, then the current one (the seat's history).
            past = next(pool, None) if seat.rank == 1 else None
            if past is not None:
                _term(
                    seat,
                    past,
                    date(today.year - 3, 1, 1),
                    term_start,
                    org,
                    by,
                    ended=Term.EndReason.TERM_END,
                )
            _term(seat, rep, term_start, date(today.year + 1, 1, 1), org, by)
    trust = bodies.get(BODIES[1][0])
    if trust is not None:
        by = users[BODIES[1][8]]
        member = Term.objects.current().filter(seat__body=trust, seat__role=Seat.Role.MEMBER)
        # A resignation (001 "Hva gjør du hvis du må fratre"): the first deputy steps in.
        resigning = member.order_by("seat__rank").first()
        if resigning is not None:
            services.end_term(
                resigning, reason=Term.EndReason.RESIGNED, by=resigning.representative.user
            )
        # An open call for the vacant deputy seat, with two nominations from Kreftforeningen.
        vacant = services.vacant_seats(trust)
        coordinator = users.get("koordinator@demo.medvirke.no")
        branch = orgs.get("Kreftforeningen Midt-Norge")
        if vacant and coordinator and branch:
            call = services.open_call(
                body=trust,
                seats=vacant[:1],
                deadline=today + timedelta(days=21),
                recipients=[branch, orgs["FFO Trøndelag"]],
                by=by,
                profile_wanted="Erfaring med kreftbehandling eller rehabilitering.",
            )
            candidates = Representative.objects.approved_by(branch).exclude(terms__seat__body=trust)
            for rep in candidates.exclude(pk=persona.pk)[:2]:
                services.nominate(
                    call=call,
                    representative=rep,
                    organisation=branch,
                    justification="Lang erfaring som likeperson.",
                    by=coordinator,
                    override_reason="Demo",
                )
            # The persona: nominated and appointed, waiting for their own confirmation.
            nomination = services.nominate(
                call=call,
                representative=persona,
                organisation=branch,
                justification="Erfaren brukerrepresentant.",
                by=coordinator,
                override_reason="Demo",
            )
            services.appoint(
                nomination,
                seat=vacant[0],
                starts_on=today,
                ends_on=today + timedelta(days=730),
                by=by,
                override_reason="Demo",
            )
    council = bodies.get(BODIES[3][0])
    if council is not None:
        # A term that ended without a successor: carried over, flagged (OnBoard#30).
        term = Term.objects.current().filter(seat__body=council).first()
        if term is not None:
            term.ends_on = today - timedelta(days=20)
            save_with_history(
                term,
                actor=users[BODIES[3][8]],
                parent=council,
                note="demo: term expired without a successor",
            )
    return []


def _nominating_org(rep: Representative) -> Organisation | None:
    affiliation = rep.affiliations.filter(status=Affiliation.Status.APPROVED).first()
    return affiliation.organisation if affiliation else None


def _term(
    seat: Seat,
    rep: Representative,
    start: date,
    end: date,
    org: Organisation | None,
    by: Any,
    ended: str = "",
) -> Term:
    term = Term(
        seat=seat,
        representative=rep,
        nominated_by=org,
        starts_on=start,
        ends_on=end,
        appointed_by=by,
        confirmed_at=timezone.now(),
    )
    if ended:
        term.ended_on, term.end_reason = end, ended
    save_with_history(term, actor=by, parent=seat.body)
    return term
