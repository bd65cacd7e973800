"""The row lock for transitions (LockableModel.locked) and the optimistic lock for edit forms
(core/locking.py), on one tracked model (an organisation)."""

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from medvirke.core.errors import StaleEditError
from medvirke.core.locking import save_if_version
from medvirke.core.models import AuditEvent
from medvirke.organisations.models import Organisation


@pytest.mark.django_db(transaction=True)
def test_locking_a_row_outside_a_transaction_is_refused(world) -> None:
    # Outside atomic() the lock would end with the statement and protect nothing.
    with pytest.raises(TransactionManagementError):
        world.hf.locked()


@pytest.mark.django_db
def test_a_locked_row_is_read_fresh_from_the_database(world) -> None:
    stale = Organisation.objects.get(pk=world.hf.pk)
    Organisation.objects.filter(pk=world.hf.pk).update(name="Nytt navn HF")
    with transaction.atomic():
        current = stale.locked("parent")
    assert current.name == "Nytt navn HF" and stale.name != current.name
    assert current.parent == world.rhf


@pytest.mark.django_db
def test_an_edit_opened_at_an_old_version_is_refused_and_changes_nothing(world) -> None:
    opened = world.hf.version
    first = Organisation.objects.get(pk=world.hf.pk)
    first.phone = "22 00 00 00"
    assert save_if_version(first, expected=opened, actor=world.administrator)
    second = Organisation.objects.get(pk=world.hf.pk)
    second.phone = "99 99 99 99"
    with pytest.raises(StaleEditError) as refused:
        save_if_version(second, expected=opened, actor=world.administrator)
    assert refused.value.version == opened + 1  # the view puts it in the form shown again
    assert Organisation.objects.get(pk=world.hf.pk).phone == "22 00 00 00"


@pytest.mark.django_db
def test_a_saved_edit_moves_the_version_and_the_history_leaves_it_out(world) -> None:
    org = Organisation.objects.get(pk=world.hf.pk)
    org.email = "post@testby.no"
    assert save_if_version(org, expected=org.version, actor=world.administrator)
    assert Organisation.objects.get(pk=org.pk).version == world.hf.version + 1
    event = AuditEvent.objects.for_object(org).get(action=AuditEvent.Action.UPDATED)
    assert set(event.changes) == {"email"}
    # Saving again with nothing changed writes nothing and keeps the version.
    assert not save_if_version(org, expected=org.version, actor=world.administrator)
    assert Organisation.objects.get(pk=org.pk).version == world.hf.version + 1
