"""The organisation tree is cached, but a change anywhere shows at once."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_renamed_organisation_shows_at_once_in_the_cached_tree(client, world) -> None:
    client.force_login(world.administrator)
    url = reverse("organisation_tree")
    assert "Testby HF" in client.get(url).content.decode()
    client.post(
        reverse("organisation_edit", args=[world.hf.pk]),
        {"name": "Nyby HF", "kind": "hf", "version": world.hf.version},
    )
    page = client.get(url).content.decode()
    assert "Nyby HF" in page and "Testby HF" not in page


def test_a_new_unit_updates_the_child_count_in_the_cached_tree(client, world) -> None:
    client.force_login(world.superuser)
    url = reverse("organisation_tree")
    client.get(url)
    response = client.post(
        reverse("organisation_add_unit", args=[world.rhf.pk]), {"name": "Tredjeby HF", "kind": "hf"}
    )
    assert response.status_code == 302
    assert "Tredjeby HF" in client.get(url).content.decode()


def test_the_cached_tree_follows_the_language(client, world) -> None:
    client.force_login(world.outsider)
    url = reverse("organisation_tree")
    assert "Regionalt helseforetak" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert "Regional health authority" in client.get(url).content.decode()
