"""Walks the role × action table in docs/permissions.md: every role, every action, both ways.

The table is the specification. Each action below performs the real request a person would make
and reports whether it succeeded; the test compares that with the cell in the table.
"""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from medvirke.core.testing import UserFactory
from medvirke.organisations import services
from medvirke.organisations.models import Invitation, Organisation, StaffRole

TABLE = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"
COLUMN_ROLES = {
    "administrator": StaffRole.Role.ADMINISTRATOR,
    "sekretariat": StaffRole.Role.SECRETARIAT,
    "koordinator": StaffRole.Role.COORDINATOR,
    "saksbehandler": StaffRole.Role.CASE_HANDLER,
    "kvalitetsrådgiver": StaffRole.Role.QUALITY_ADVISOR,
    "revisor": StaffRole.Role.AUDITOR,
}


def read_matrix(name: str = "matrix") -> tuple[list[str], dict[str, dict[str, bool]]]:
    """The table between `<!-- {name}:start -->` and `<!-- {name}:end -->` in permissions.md:
    its columns, and {action key: {column: allowed}}."""
    text = TABLE.read_text(encoding="utf-8")
    block = text.split(f"<!-- {name}:start -->")[1].split(f"<!-- {name}:end -->")[0]
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in block.strip().splitlines()
        if line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line.strip())
    ]
    header, body = rows[0], rows[1:]
    columns = header[2:]
    for row in body:
        assert all(c in ("ja", "nei") for c in row[2:]), f"only ja/nei in a cell: {row}"
    matrix = {row[1]: dict(zip(columns, (c == "ja" for c in row[2:]), strict=True)) for row in body}
    assert len(matrix) == len(body), "an action key appears twice"
    return columns, matrix


COLUMNS, MATRIX = read_matrix()


def refused(response) -> bool:
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    )


def outcome(response, success: Callable[[], bool]) -> bool:
    """True if the action went through, False if refused; anything else is a bug."""
    if refused(response):
        return False
    assert response.status_code in (200, 302), response.status_code
    return success()


def _view_tree(client: Client, org: Organisation) -> bool:
    r = client.get(reverse("organisation_tree"), {"q": org.name})
    return outcome(r, lambda: org.name in r.content.decode())


def _view_detail(client: Client, org: Organisation) -> bool:
    r = client.get(reverse("organisation_detail", args=[org.pk]))
    return outcome(r, lambda: org.name in r.content.decode())


def _view_staff(client: Client, org: Organisation) -> bool:
    r = client.get(reverse("organisation_detail", args=[org.pk]))
    if refused(r):
        return False
    return "kollega@example.no" in r.content.decode()


def _edit(client: Client, org: Organisation) -> bool:
    r = client.post(
        reverse("organisation_edit", args=[org.pk]),
        {"name": "Nytt navn HF", "kind": org.kind, "version": org.version},
    )
    return outcome(r, lambda: Organisation.objects.get(pk=org.pk).name == "Nytt navn HF")


def _add_unit(client: Client, org: Organisation) -> bool:
    r = client.post(
        reverse("organisation_add_unit", args=[org.pk]),
        {"name": "Ny enhet", "kind": Organisation.Kind.UNIT},
    )
    return outcome(r, lambda: org.children.filter(name="Ny enhet").exists())


def _end(client: Client, org: Organisation) -> bool:
    r = client.post(reverse("organisation_end", args=[org.pk]))
    return outcome(r, lambda: Organisation.objects.get(pk=org.pk).ended_on is not None)


def _invite(client: Client, org: Organisation) -> bool:
    r = client.post(
        reverse("organisation_invite", args=[org.pk]),
        {"email": "ny@example.no", "role": StaffRole.Role.SECRETARIAT},
    )
    return outcome(r, lambda: Invitation.objects.filter(email="ny@example.no").exists())


def _withdraw_invitation(client: Client, org: Organisation) -> bool:
    inv = Invitation.objects.get(email="venter@example.no")
    r = client.post(reverse("invitation_withdraw", args=[org.pk, inv.pk]))
    return outcome(r, lambda: Invitation.objects.get(pk=inv.pk).revoked_at is not None)


def _revoke_role(client: Client, org: Organisation) -> bool:
    role = StaffRole.objects.get(user__email="kollega@example.no")
    r = client.post(reverse("role_revoke", args=[org.pk, role.pk]))
    return outcome(r, lambda: not StaffRole.objects.filter(pk=role.pk).exists())


def _view_history(client: Client, org: Organisation) -> bool:
    r = client.get(reverse("organisation_history", args=[org.pk]))
    return outcome(r, lambda: "venter@example.no" in r.content.decode())


def _create_top_level(client: Client, org: Organisation) -> bool:
    r = client.post(
        reverse("organisation_create"),
        {"name": "Ny kommune", "kind": Organisation.Kind.MUNICIPALITY},
    )
    return outcome(r, lambda: Organisation.objects.filter(name="Ny kommune").exists())


def _edit_profile(client: Client, org: Organisation) -> bool:
    r = client.post(reverse("profile"), {"full_name": "Endret Navn", "phone": "", "language": "nb"})
    return outcome(r, lambda: r.status_code == 302)


ACTIONS: dict[str, Callable[[Client, Organisation], bool]] = {
    "view_tree": _view_tree,
    "view_detail": _view_detail,
    "view_staff": _view_staff,
    "edit": _edit,
    "add_unit": _add_unit,
    "end": _end,
    "invite": _invite,
    "withdraw_invitation": _withdraw_invitation,
    "revoke_role": _revoke_role,
    "view_history": _view_history,
    "create_top_level": _create_top_level,
    "edit_profile": _edit_profile,
}


def test_every_action_in_the_table_is_checked_and_every_check_is_in_the_table() -> None:
    assert set(MATRIX) == set(ACTIONS)
    assert set(COLUMNS) == {*COLUMN_ROLES, "uten rolle", "anonym", "plattform"}


@pytest.mark.django_db
@pytest.mark.parametrize("column", COLUMNS)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_role_may_do_exactly_what_the_table_says(world, column: str, action: str) -> None:
    org = world.hf
    admin = world.administrator
    StaffRole.objects.create(
        user=UserFactory.create(email="kollega@example.no"),
        organisation=org,
        role=StaffRole.Role.QUALITY_ADVISOR,
    )
    services.invite(
        email="venter@example.no", organisation=org, role=StaffRole.Role.SECRETARIAT, by=admin
    )
    client = Client()
    if column in COLUMN_ROLES:
        person = UserFactory.create()
        StaffRole.objects.create(user=person, organisation=org, role=COLUMN_ROLES[column])
        client.force_login(person)
    elif column == "uten rolle":
        client.force_login(world.outsider)
    elif column == "plattform":
        client.force_login(world.superuser)
    allowed = ACTIONS[action](client, org)
    assert allowed is MATRIX[action][column], (
        f"{column} {'could' if allowed else 'could not'} {action}; the table says "
        f"{'ja' if MATRIX[action][column] else 'nei'}"
    )
