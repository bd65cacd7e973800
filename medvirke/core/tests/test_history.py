"""The history is append-only and records who changed which field from what to what."""

import pytest
from django.db import DatabaseError, transaction

from medvirke.core.history import log_access, record, save_with_history
from medvirke.core.models import AccessLogEntry, AppendOnlyError, AuditEvent
from medvirke.core.testing import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_saving_a_change_records_old_and_new_value_with_the_actor(world) -> None:
    org = type(world.hf).objects.get(pk=world.hf.pk)
    org.name = "Nytt navn HF"
    event = save_with_history(org, actor=world.administrator)
    assert event is not None
    assert event.actor == world.administrator
    assert event.actor_label == world.administrator.display_name
    assert event.action == AuditEvent.Action.UPDATED
    assert event.changes == {"name": ["Testby HF", "Nytt navn HF"]}


def test_a_save_that_changes_nothing_writes_no_history(world) -> None:
    org = type(world.hf).objects.get(pk=world.hf.pk)
    before = AuditEvent.objects.count()
    assert save_with_history(org, actor=world.administrator) is None
    assert AuditEvent.objects.count() == before


def test_a_history_event_cannot_be_changed_or_deleted(world) -> None:
    event = record(actor=world.administrator, action=AuditEvent.Action.UPDATED, obj=world.hf)
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_the_database_itself_refuses_to_rewrite_history(world) -> None:
    record(actor=world.administrator, action=AuditEvent.Action.UPDATED, obj=world.hf)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(note="rewritten")
    assert not AuditEvent.objects.filter(note="rewritten").exists()


def test_history_of_an_organisation_includes_its_roles_and_invitations(world) -> None:
    role = world.hf.staff_roles.first()
    record(actor=world.administrator, action=AuditEvent.Action.GRANTED, obj=role, parent=world.hf)
    other = OrganisationFactory.create()
    record(actor=world.administrator, action=AuditEvent.Action.UPDATED, obj=other)
    events = AuditEvent.objects.for_object(world.hf)
    assert [e.object_repr for e in events] == [str(role)]


def test_access_log_records_a_read_and_cannot_be_changed(world) -> None:
    entry = log_access(actor=world.secretary, obj=world.hf, purpose="test", path="/x/")
    assert AccessLogEntry.objects.for_object(world.hf).get() == entry
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.update(purpose="changed")


def test_a_list_showing_is_one_entry_found_for_each_row_it_showed(world) -> None:
    other = OrganisationFactory.create(name="Annen HF")
    unseen = OrganisationFactory.create(name="Usett HF")
    model = type(world.hf)
    rows = [(world.hf.pk, str(world.hf)), (other.pk, str(other))]
    AccessLogEntry.objects.record_list_read(
        world.secretary, model, rows, purpose="a list", path="/liste/"
    )
    showing = AccessLogEntry.objects.get()
    assert showing.actor == world.secretary and showing.path == "/liste/"
    single = log_access(actor=world.secretary, obj=world.hf, purpose="its page", path="/x/")
    assert AccessLogEntry.objects.count() == 2
    assert list(AccessLogEntry.objects.for_object(world.hf).order_by("pk")) == [showing, single]
    assert list(AccessLogEntry.objects.for_object(other)) == [showing]
    assert not AccessLogEntry.objects.for_object(unseen).exists()
    assert showing.object_repr == f"{world.hf}, {other}"
    assert showing.shown_ids == [str(world.hf.pk), str(other.pk)]
    # The same id of another kind of object is another object.
    AccessLogEntry.objects.record_list_read(
        world.secretary, type(world.secretary), [(world.hf.pk, "x")], purpose="p", path="/"
    )
    assert list(AccessLogEntry.objects.for_object(world.hf).order_by("pk")) == [showing, single]


def test_a_list_showing_with_no_sensitive_rows_writes_nothing(world) -> None:
    AccessLogEntry.objects.record_list_read(
        world.secretary, type(world.hf), [], purpose="a list", path="/liste/"
    )
    assert not AccessLogEntry.objects.exists()
