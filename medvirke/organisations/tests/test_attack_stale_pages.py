"""A page is built for every request from what the database holds now (issue 12): a role taken
away by a change that writes no history (raw SQL, `QuerySet.update()`) takes the page's
contents away at the next request, not after a cache entry expires."""

import pytest
from django.urls import reverse

from medvirke.organisations.models import StaffRole

pytestmark = pytest.mark.django_db


def test_attack_administrator_moved_out_without_history_still_reads_the_staff_list(
    client, world
) -> None:
    client.force_login(world.administrator)
    url = reverse("organisation_detail", args=[world.hf.pk])
    assert world.secretary.email in client.get(url).content.decode()
    # Moved to another HF by a bulk update: no signal, no history event.
    StaffRole.objects.filter(user=world.administrator, organisation=world.hf).update(
        organisation=world.other_hf
    )
    page = client.get(url).content.decode()
    assert world.secretary.email not in page
    assert reverse("organisation_edit", args=[world.hf.pk]) not in page
