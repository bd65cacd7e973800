"""Personas for tests: the people the product is for, built with factories.

A persona is a user with one role in one organisation of a small tree:
Helse Testmidt RHF → Testby HF → Klinikk for psykisk helse, plus a user organisation.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import factory
from factory.django import DjangoModelFactory

from medvirke.accounts.models import User
from medvirke.organisations.models import Organisation, StaffRole

PASSWORD = "korrekt-hest-batteri-stift"

APPEND_ONLY_TABLES = ("core_auditevent", "core_accesslogentry")


def allow_flush_of_append_only_tables() -> None:
    """Let the test runner's flush empty the history and the access log, and nothing else.

    Transactional tests (live_server, the browser tests) are cleaned up with `flush`: TRUNCATE
    on PostgreSQL, DELETE FROM on SQLite, both refused by the append-only triggers (core
    migrations 0002 and 0006). This wraps the one method that runs a flush so that, inside that
    flush's own transaction, the two tables' triggers are set aside and put back: PostgreSQL
    disables and re-enables them (only the table owner may, which the test role is and the
    production application role is not); SQLite drops them and creates them again from their
    stored definitions. The schema itself has no way through for anyone else. Called once from
    the root conftest; never from application code."""
    from django.db import transaction
    from django.db.backends.base.operations import BaseDatabaseOperations

    original = BaseDatabaseOperations.execute_sql_flush
    if getattr(original, "lifts_append_only_triggers", False):
        return

    def execute_sql_flush(self: BaseDatabaseOperations, sql_list: Iterable[str]) -> None:
        connection = self.connection
        tables = [t for t in APPEND_ONLY_TABLES if t in connection.introspection.table_names()]
        if not tables or connection.vendor not in {"postgresql", "sqlite"}:
            return original(self, sql_list)
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for table in tables:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
                restore = [f"ALTER TABLE {table} ENABLE TRIGGER USER" for table in tables]
            else:
                marks = ", ".join(["%s"] * len(tables))
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master "  # noqa: S608 (placeholders only)
                    f"WHERE type = 'trigger' AND tbl_name IN ({marks}) ORDER BY name",
                    tables,
                )
                triggers = cursor.fetchall()
                for name, _sql in triggers:
                    cursor.execute(f'DROP TRIGGER "{name}"')
                restore = [sql for _name, sql in triggers]
            original(self, sql_list)
            for statement in restore:
                cursor.execute(statement)
        return None

    execute_sql_flush.lifts_append_only_triggers = True  # type: ignore[attr-defined]
    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush  # type: ignore[method-assign]


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.no")
    full_name = factory.Faker("name", locale="no_NO")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()
            from allauth.account.models import EmailAddress

            EmailAddress.objects.update_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testorganisasjon {n}")
    kind = Organisation.Kind.UNIT


@dataclass
class World:
    """A small organisation tree and one persona per role (all roles held in the HF)."""

    rhf: Organisation
    hf: Organisation
    clinic: Organisation
    other_hf: Organisation
    user_org: Organisation
    administrator: User
    secretary: User
    coordinator: User
    case_handler: User
    quality_advisor: User
    auditor: User
    outsider: User
    superuser: User

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


def build_world() -> World:
    rhf = OrganisationFactory.create(
        name="Helse Testmidt RHF",
        short_name="HTM",
        kind=Organisation.Kind.RHF,
        org_number="983658725",
    )
    hf = OrganisationFactory.create(name="Testby HF", kind=Organisation.Kind.HF, parent=rhf)
    clinic = OrganisationFactory.create(
        name="Klinikk for psykisk helse", kind=Organisation.Kind.CLINIC, parent=hf
    )
    other_hf = OrganisationFactory.create(name="Annenby HF", kind=Organisation.Kind.HF, parent=rhf)
    user_org = OrganisationFactory.create(name="Testforeningen", kind=Organisation.Kind.USER_ORG)

    def staff(name: str, role: str, org: Organisation = hf) -> User:
        user = UserFactory.create(
            email=f"{name}@example.no", full_name=name.replace("_", " ").title()
        )
        StaffRole.objects.create(user=user, organisation=org, role=role)
        return user

    return World(
        rhf=rhf,
        hf=hf,
        clinic=clinic,
        other_hf=other_hf,
        user_org=user_org,
        administrator=staff("administrator", StaffRole.Role.ADMINISTRATOR),
        secretary=staff("secretary", StaffRole.Role.SECRETARIAT),
        coordinator=staff("coordinator", StaffRole.Role.COORDINATOR, user_org),
        case_handler=staff("case_handler", StaffRole.Role.CASE_HANDLER),
        quality_advisor=staff("quality_advisor", StaffRole.Role.QUALITY_ADVISOR),
        auditor=staff("auditor", StaffRole.Role.AUDITOR),
        outsider=UserFactory.create(email="outsider@example.no", full_name="Ola Utenfor"),
        superuser=UserFactory.create(
            email="platform@example.no",
            full_name="Plattform Drift",
            is_superuser=True,
            is_staff=True,
        ),
    )


def nb(message: str, **params: Any) -> str:
    """The Bokmål text a person sees for `message`; fails if the catalogue lacks it (a Bokmål
    text identical to the English, like "Administrator", counts as translated)."""
    from django.utils import translation
    from django.utils.translation import trans_real

    with translation.override("nb"):
        text = translation.gettext(message)
    catalog = trans_real.translation("nb")._catalog  # type: ignore[attr-defined]
    assert text != message or message in catalog, f"not translated to Bokmål: {message!r}"
    return str(text % params if params else text)


def count_queries(client: Any, url: str) -> int:
    """SQL queries of one GET of `url`, counted on that first visit: nothing is cached across
    requests, so what a person's first visit costs is what every visit costs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)
