"""The organisation tree as a materialised path: the migration fills it, create and move keep
it right (a move is one UPDATE of the subtree), and `below`, `above` and `reaching` give what a
walk of the parent pointers gives, on a random tree (run on SQLite and PostgreSQL)."""

import importlib
import random
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from medvirke.core.errors import RefusedError
from medvirke.core.models import AuditEvent
from medvirke.organisations import services
from medvirke.organisations.models import (
    PATH_MAX_LENGTH,
    MovedUnderItselfError,
    Organisation,
    StaffRole,
    TooDeepError,
)

pytestmark = pytest.mark.django_db

fill_migration = importlib.import_module(
    "medvirke.organisations.migrations.0005_fill_organisation_paths"
)


def parents() -> dict[int, int | None]:
    return dict(Organisation.objects.values_list("pk", "parent_id"))


def walked_path(pk: int, parent: dict[int, int | None]) -> str:
    """The path from the parent pointers alone."""
    chain: list[int] = []
    node: int | None = pk
    while node is not None:
        chain.append(node)
        node = parent[node]
    return "".join(f"{p}." for p in reversed(chain))


def walked_below(pk: int, parent: dict[int, int | None]) -> set[int]:
    return {node for node in parent if pk in _up(node, parent)}


def _up(pk: int, parent: dict[int, int | None]) -> list[int]:
    chain: list[int] = []
    node: int | None = pk
    while node is not None:
        chain.append(node)
        node = parent[node]
    return chain


def assert_paths_agree_with_parents() -> None:
    parent = parents()
    stored = dict(Organisation.objects.values_list("pk", "path"))
    assert stored == {pk: walked_path(pk, parent) for pk in parent}


def chain(top: Organisation | None, depth: int, name: str = "Enhet") -> list[Organisation]:
    """`depth` units, each below the one before, the first below `top`."""
    units: list[Organisation] = []
    for level in range(depth):
        above = units[-1] if units else top
        units.append(Organisation.objects.create(name=f"{name} {level}", kind="unit", parent=above))
    return units


def test_the_migration_gives_every_existing_organisation_its_path(world) -> None:
    chain(world.clinic, 4)
    expected = dict(Organisation.objects.values_list("pk", "path"))
    Organisation.objects.update(path="")  # as the rows were before the path column
    fill_migration.fill_paths(apps, None)
    assert dict(Organisation.objects.values_list("pk", "path")) == expected
    assert_paths_agree_with_parents()


def test_the_migration_fills_a_tree_level_by_level_in_a_few_statements(world) -> None:
    chain(world.clinic, 6)
    Organisation.objects.update(path="")
    with CaptureQueriesContext(connection) as ctx:
        fill_migration.fill_paths(apps, None)
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    depth = max(len(p.split(".")) - 1 for p in Organisation.objects.values_list("path", flat=True))
    assert len(updates) == depth + 1  # one per level, and one that finds nothing left
    assert_paths_agree_with_parents()


def test_a_new_organisation_gets_its_parents_path_and_its_own_id(world) -> None:
    unit = Organisation.objects.create(name="Sengepost 1", kind="unit", parent=world.clinic)
    assert unit.path == f"{world.rhf.pk}.{world.hf.pk}.{world.clinic.pk}.{unit.pk}."
    assert Organisation.objects.get(pk=unit.pk).path == unit.path
    top = Organisation.objects.create(name="Ny kommune", kind="municipality")
    assert top.path == f"{top.pk}."


def test_bulk_created_organisations_get_their_paths_too(world) -> None:
    units = Organisation.objects.bulk_create(
        Organisation(name=f"Enhet {i}", kind="unit", parent=world.clinic) for i in range(3)
    )
    Organisation.objects.bulk_create(
        Organisation(name=f"Team {u.name}", kind="unit", parent=u) for u in units
    )
    assert all(u.path.startswith(world.clinic.path) for u in units)
    assert_paths_agree_with_parents()


def test_moving_an_organisation_moves_its_whole_subtree(world) -> None:
    units = chain(world.clinic, 3)
    services.move_organisation(world.clinic, world.other_hf, by=world.superuser)
    assert world.clinic.path == f"{world.rhf.pk}.{world.other_hf.pk}.{world.clinic.pk}."
    assert_paths_agree_with_parents()
    clinic = Organisation.objects.get(pk=world.clinic.pk)
    assert clinic.parent_id == world.other_hf.pk and clinic.path == world.clinic.path
    assert Organisation.objects.get(pk=units[-1].pk).path.startswith(clinic.path)
    assert set(Organisation.objects.below(world.other_hf).values_list("pk", flat=True)) == {
        world.other_hf.pk,
        world.clinic.pk,
        *(u.pk for u in units),
    }
    assert not Organisation.objects.below(world.hf).filter(pk=units[-1].pk).exists()
    event = AuditEvent.objects.for_object(clinic).order_by("-id").first()
    assert event is not None and event.changes["parent"] == [world.hf.pk, world.other_hf.pk]


def test_moving_to_the_top_and_back(world) -> None:
    units = chain(world.clinic, 2)
    services.move_organisation(world.clinic, None, by=world.superuser)
    assert Organisation.objects.get(pk=world.clinic.pk).path == f"{world.clinic.pk}."
    assert_paths_agree_with_parents()
    services.move_organisation(units[0], world.hf, by=world.superuser)
    assert_paths_agree_with_parents()


@pytest.mark.parametrize("size", [3, 25])
def test_moving_a_subtree_is_one_update_whatever_its_size(
    world, size, django_assert_num_queries
) -> None:
    chain(world.clinic, size)
    ContentType.objects.get_for_model(Organisation)  # cached, as in any running server
    # Lock the row; lock the subtree and the new parent; one UPDATE of the subtree; the row's
    # own save; its history event; and three savepoints made and released (the service, the
    # history, the save): the same for 3 units or 25.
    with CaptureQueriesContext(connection) as ctx, django_assert_num_queries(11):
        services.move_organisation(world.clinic, world.other_hf, by=world.superuser)
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert [sql.split()[0] for sql in statements] == [
        "SELECT",
        "SELECT",
        "UPDATE",
        "UPDATE",
        "INSERT",
    ]
    assert " LIKE " in statements[2] and '"path" =' in statements[2]
    assert_paths_agree_with_parents()


@pytest.mark.parametrize("under", ["itself", "its unit", "its unit's unit"])
def test_an_organisation_cannot_be_moved_under_itself_or_its_own_units(world, under) -> None:
    units = chain(world.clinic, 2)
    target = {"itself": world.clinic, "its unit": units[0], "its unit's unit": units[1]}[under]
    before = dict(Organisation.objects.values_list("pk", "path"))
    clinic = Organisation.objects.get(pk=world.clinic.pk)
    with pytest.raises(MovedUnderItselfError) as refused:
        services.move_organisation(clinic, target, by=world.superuser)
    assert isinstance(refused.value, RefusedError)
    assert "kan ikke være en del av seg selv" in str(refused.value)  # Bokmål, for the page
    assert dict(Organisation.objects.values_list("pk", "path")) == before
    assert Organisation.objects.get(pk=world.clinic.pk).parent_id == world.hf.pk


def test_the_form_check_refuses_a_parent_below_the_organisation(world) -> None:
    units = chain(world.clinic, 1)
    clinic = Organisation.objects.get(pk=world.clinic.pk)
    clinic.parent = units[0]
    with pytest.raises(Exception, match="seg selv") as refused:
        clinic.clean()
    assert "parent" in refused.value.message_dict  # type: ignore[attr-defined]


def test_a_tree_too_deep_for_the_path_is_refused_alike_on_every_database(client, world) -> None:
    # PostgreSQL would refuse a path past the column's length and SQLite store it: both refuse.
    units = chain(world.clinic, 1)
    while len(units[-1].path) + len(f"{units[-1].pk + 1}.") <= PATH_MAX_LENGTH:
        units += chain(units[-1], 1)
    with pytest.raises(TooDeepError):
        chain(units[-1], 1)
    client.force_login(world.superuser)
    response = client.post(
        reverse("organisation_add_unit", args=[units[-1].pk]), {"name": "Nok en", "kind": "unit"}
    )
    assert response.status_code == 200
    assert "for dypt i treet" in response.content.decode()  # at the top of the form, in Bokmål
    assert not Organisation.objects.filter(name="Nok en").exists()
    # Moving the clinic three levels lower would take its deepest unit past the limit too.
    lower = chain(world.other_hf, 3)[-1]
    before = dict(Organisation.objects.values_list("pk", "path"))
    with pytest.raises(TooDeepError):
        services.move_organisation(world.clinic, lower, by=world.superuser)
    assert dict(Organisation.objects.values_list("pk", "path")) == before


def test_a_parent_changed_without_its_path_is_refused_by_the_database(world) -> None:
    # QuerySet.update skips save(): the check constraint keeps the path and parent together, so
    # roles cannot go on reaching a unit through a parent it no longer has.
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=world.clinic.pk).update(parent=world.other_hf)
    assert Organisation.objects.get(pk=world.clinic.pk).parent_id == world.hf.pk


def test_a_stale_copy_saved_later_does_not_undo_a_move(world) -> None:
    units = chain(world.clinic, 2)
    stale = Organisation.objects.get(pk=world.clinic.pk)
    services.move_organisation(
        Organisation.objects.get(pk=world.clinic.pk), world.other_hf, by=world.superuser
    )
    stale.phone = "22 00 00 00"
    stale.save()  # read before the move, saved after it
    clinic = Organisation.objects.get(pk=world.clinic.pk)
    assert clinic.parent_id == world.other_hf.pk and clinic.phone == "22 00 00 00"
    assert Organisation.objects.get(pk=units[1].pk).path.startswith(clinic.path)
    assert_paths_agree_with_parents()


def test_below_refuses_an_organisation_without_a_path() -> None:
    # An empty prefix would match every organisation: a missing path must never widen access.
    with pytest.raises(ValueError, match="without a path"):
        Organisation.objects.below(Organisation(name="Ulagret", kind="unit"))
    assert not Organisation.objects.below().exists()


def test_above_lists_the_ancestors_from_the_root_in_one_query(
    world, django_assert_num_queries
) -> None:
    unit = chain(world.clinic, 1)[0]
    with django_assert_num_queries(1):
        assert [o.pk for o in unit.ancestors()] == [
            world.rhf.pk,
            world.hf.pk,
            world.clinic.pk,
        ]
    with django_assert_num_queries(0):
        assert world.rhf.ancestors() == []
    assert list(Organisation.objects.above(unit, include_self=True))[-1] == unit


def random_tree(rng: random.Random, world: Any, size: int) -> list[Organisation]:
    """`size` organisations under random parents (or at the top), then random legal moves."""
    made: list[Organisation] = []
    for i in range(size):
        parent = rng.choice([None, *made]) if made else None
        made.append(Organisation.objects.create(name=f"Org {i}", kind="unit", parent=parent))
    for _i in range(size // 2):
        org = Organisation.objects.get(pk=rng.choice(made).pk)
        below = set(Organisation.objects.below(org).values_list("pk", flat=True))
        target = rng.choice([None, *(o for o in made if o.pk not in below)])
        services.move_organisation(org, target, by=world.superuser)
    return made


def test_below_above_and_reaching_agree_with_a_walk_of_a_random_tree(world) -> None:
    rng = random.Random(20261204)
    made = random_tree(rng, world, 40)
    assert_paths_agree_with_parents()
    parent = parents()
    people = [world.administrator, world.secretary, world.auditor]
    for org in rng.sample(made, 12):
        StaffRole.objects.create(user=rng.choice(people), organisation=org, role="auditor")
    roles = list(StaffRole.objects.values_list("pk", "organisation_id"))
    fresh = {o.pk: o for o in Organisation.objects.all()}
    for pk, org in fresh.items():
        assert set(Organisation.objects.below(org).values_list("pk", flat=True)) == walked_below(
            pk, parent
        )
        assert set(
            Organisation.objects.below(org, include_self=False).values_list("pk", flat=True)
        ) == walked_below(pk, parent) - {pk}
        up = _up(pk, parent)
        assert [o.pk for o in Organisation.objects.above(org)] == list(reversed(up[1:]))
        assert org.lineage_ids() == up
        reaching = set(StaffRole.objects.reaching(org).values_list("pk", flat=True))
        assert reaching == {role for role, held_in in roles if held_in in up}
    for _i in range(10):
        tops = rng.sample(list(fresh.values()), 3)
        expected = set().union(*(walked_below(t.pk, parent) for t in tops))
        assert set(Organisation.objects.below(*tops).values_list("pk", flat=True)) == expected
        paths = [t.path for t in tops]
        assert set(Organisation.objects.below(*paths).values_list("pk", flat=True)) == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_the_subtree_query_can_use_the_path_index_on_postgresql(world) -> None:
    sql, params = Organisation.objects.below(world.hf).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The prefix is an index condition (a range on the path), not a filter over every row.
    assert any("Index Cond" in line and "path" in line for line in plan.splitlines()), plan
