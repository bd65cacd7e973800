"""Test helpers for the representatives' pages: registered people, and reading pages."""

import html
from typing import Any

from medvirke.core.testing import PASSWORD, OrganisationFactory, UserFactory
from medvirke.organisations.models import Organisation, StaffRole
from medvirke.representatives import services, testing
from medvirke.representatives.models import ExperienceArea, Representative


def page(response: Any) -> str:
    return html.unescape(response.content.decode())


def register(world: Any, email: str, name: str, organisation: Any = None) -> Representative:
    """A representative the world's coordinator asked to join, who accepted (approved)."""
    return testing.register_candidate(
        email=email,
        full_name=name,
        organisation=organisation or world.user_org,
        by=world.coordinator,
    )


def with_password(rep: Representative) -> Representative:
    """The person has chosen a password (accepted their invitation), so they can log in."""
    rep.user.set_password(PASSWORD)
    rep.user.save(update_fields=["password"])
    return rep


def with_health_data(rep: Representative, area_names: list[str], text: str = "") -> None:
    services.give_health_consent(rep, by=rep.user)
    rep.experience_description = text
    services.save_profile(
        rep, areas=list(ExperienceArea.objects.filter(name_nb__in=area_names)), by=rep.user
    )


def other_coordinator() -> tuple[Any, Organisation]:
    """A coordinator of a different user organisation."""
    other = OrganisationFactory.create(name="Annen forening", kind=Organisation.Kind.USER_ORG)
    user = UserFactory.create(email="annen.koordinator@example.no", full_name="Anne Annen")
    StaffRole.objects.create(user=user, organisation=other, role=StaffRole.Role.COORDINATOR)
    return user, other


def table(response: Any) -> str:
    """The text of the page's table bodies (not the filter choices above them)."""
    text = page(response)
    parts = text.split("<tbody>")[1:]
    return "".join(part.split("</tbody>")[0] for part in parts)
