"""`gen_data`: the benchmark world has the promised shape and is reproducible from its seed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from medvirke.accounts.models import User
from medvirke.organisations.generator import (
    SCALES,
    USER_EMAIL_SUFFIX,
    app_generators,
    flush_generated,
    generated_counts,
)
from medvirke.organisations.models import Organisation, StaffRole

K = Organisation.Kind
SMALL = SCALES["small"]


def names() -> list[str]:
    orgs = Organisation.objects.order_by("kind", "name", "parent__name").values_list("name")
    people = User.objects.order_by("email").values_list("full_name", "email")
    return [row[0] for row in orgs] + [" ".join(row) for row in people]


@pytest.mark.django_db
def test_small_scale_has_the_promised_counts_and_every_role() -> None:
    call_command("gen_data", scale="small", seed=3, stdout=StringIO())

    expected = {
        K.RHF: SMALL.rhf,
        K.HF: SMALL.hf,
        K.CLINIC: SMALL.clinics,
        K.UNIT: SMALL.units,
        K.MUNICIPALITY: SMALL.municipalities,
        K.NAV_OFFICE: SMALL.nav_offices,
        K.USER_ORG: SMALL.user_orgs,
        K.USER_ORG_BRANCH: SMALL.branches,
        K.FORUM: SMALL.forums,
    }
    for kind, count in expected.items():
        assert Organisation.objects.filter(kind=kind).count() == count, kind
    # The tree hangs together: HF under RHF, clinics under HF, units under clinics, branches
    # under user organisations; the rest are roots.
    parent_kind: dict[str, str] = {
        K.HF: K.RHF,
        K.CLINIC: K.HF,
        K.UNIT: K.CLINIC,
        K.USER_ORG_BRANCH: K.USER_ORG,
    }
    for org in Organisation.objects.select_related("parent"):
        assert (org.parent.kind if org.parent else None) == parent_kind.get(org.kind), org
        assert org.org_number == ""

    # Staff are the generated people without a representative profile (the apps above add
    # those; see bodies/tests/test_gen_data_bodies.py).
    staff = User.objects.filter(representative__isnull=True)
    assert staff.count() == SMALL.staff_users
    assert staff.filter(email__endswith=USER_EMAIL_SUFFIX).count() == SMALL.staff_users
    # Every staff member holds at least one role, and every role occurs.
    assert not staff.filter(staff_roles__isnull=True).exists()
    used = set(StaffRole.objects.values_list("role", flat=True))
    assert used == {role.value for role in StaffRole.Role}
    # Every HF has an administrator (the benchmark logs in as one).
    for hf in Organisation.objects.filter(kind=K.HF):
        assert hf.staff_roles.filter(role=StaffRole.Role.ADMINISTRATOR).exists()
    counts = generated_counts()
    assert counts["organisations"] == sum(expected.values())
    assert counts["users"] == User.objects.count()


@pytest.mark.django_db
def test_same_seed_gives_the_same_names_and_another_seed_does_not() -> None:
    call_command("gen_data", scale="small", seed=11, stdout=StringIO())
    first = names()

    with pytest.raises(CommandError, match="--flush"):
        call_command("gen_data", scale="small", seed=11)

    call_command("gen_data", scale="small", seed=11, flush=True, stdout=StringIO())
    assert names() == first

    call_command("gen_data", scale="small", seed=12, flush=True, stdout=StringIO())
    assert names() != first


@pytest.mark.django_db
def test_flush_removes_only_generated_rows(world) -> None:  # type: ignore[no-untyped-def]
    before_orgs = Organisation.objects.count()
    before_users = User.objects.count()
    before_roles = StaffRole.objects.count()
    call_command("gen_data", scale="small", seed=1, stdout=StringIO())

    flush_generated()

    assert Organisation.objects.count() == before_orgs
    assert User.objects.count() == before_users
    assert StaffRole.objects.count() == before_roles
    counts = generated_counts()
    assert {"organisations", "users"} <= set(counts)
    assert not any(counts.values()), counts


@pytest.mark.django_db
def test_every_apps_generator_is_found_in_layer_order() -> None:
    names = [module.__name__ for module in app_generators()]

    assert names[:3] == [
        "medvirke.organisations.generator",
        "medvirke.representatives.generator",
        "medvirke.bodies.generator",
    ]
    for module in app_generators():
        assert module.STEPS and callable(module.counts) and callable(module.flush)
