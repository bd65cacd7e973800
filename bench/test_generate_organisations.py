"""`bench.generate`: the benchmark world has the promised shape, is reproducible from its
seed, writes no history, and refuses to generate over generated rows (there is no flush)."""

from io import StringIO

import pytest
from django.db import transaction

from bench.generate import GeneratedDataExists, generate, generated_counts, modules
from bench.generate.__main__ import main
from bench.generate.organisations import SCALES, USER_EMAIL_SUFFIX
from medvirke.accounts.models import User
from medvirke.core.models import AuditEvent
from medvirke.organisations.models import Organisation, StaffRole

K = Organisation.Kind
SMALL = SCALES["small"]


def names() -> list[str]:
    orgs = Organisation.objects.order_by("kind", "name", "parent__name").values_list("name")
    people = User.objects.order_by("email").values_list("full_name", "email")
    return [row[0] for row in orgs] + [" ".join(row) for row in people]


def names_for(seed: int) -> list[str]:
    """The names a seed gives, generated in a savepoint that is rolled back afterwards."""
    with transaction.atomic():
        generate("small", seed)
        result = names()
        transaction.set_rollback(True)
    return result


@pytest.mark.django_db
def test_small_scale_has_the_promised_counts_and_every_role() -> None:
    out = StringIO()
    assert main(["--scale", "small", "--seed", "3"], out=out) == 0
    assert "Generated small scale (seed 3)" in out.getvalue()

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

    # Staff are the generated people without a representative profile (the modules after
    # organisations add those; see bench/test_generate_bodies.py).
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
    first = names_for(11)

    assert names_for(11) == first
    assert names_for(12) != first


@pytest.mark.django_db
def test_generating_over_generated_rows_is_refused_and_changes_nothing() -> None:
    generate("small", 1)
    before = generated_counts()

    with pytest.raises(GeneratedDataExists, match="fresh database"):
        generate("small", 2)
    assert main(["--scale", "small", "--seed", "2"], out=StringIO()) == 1
    assert generated_counts() == before


@pytest.mark.django_db
def test_generated_rows_write_no_history_by_design(world) -> None:
    history = AuditEvent.objects.count()

    generate("small", 1)

    # Bulk data for measuring, not anybody's changes; the demo world's history is untouched.
    assert AuditEvent.objects.count() == history
    assert User.objects.filter(email__endswith=USER_EMAIL_SUFFIX).exists()


def test_the_modules_run_lowest_layer_first() -> None:
    assert [module.__name__ for module in modules()] == [
        "bench.generate.organisations",
        "bench.generate.representatives",
        "bench.generate.bodies",
        "bench.generate.meetings",
    ]
    for module in modules():
        assert module.STEPS and callable(module.counts)
