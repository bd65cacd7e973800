"""One-time form tokens (core/once.py): the claim, the answer a second click gets, the release
when nothing was created, and the cleanup."""

from datetime import timedelta
from typing import Any

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from medvirke.core import once
from medvirke.core.models import FormSubmission
from medvirke.core.testing import nb

TOKEN = "a" * 32


def _request(user: Any, token: str | None = TOKEN, **extra: Any) -> HttpRequest:
    data = {"title": "Parkering"} | ({once.FIELD: token} if token is not None else {})
    request = RequestFactory().post("/skjema/", data, **extra)
    request.user = user
    request._messages = CookieStorage(request)  # type: ignore[attr-defined]
    return request


def _said(request: HttpRequest) -> list[str]:
    return [str(m) for m in request._messages]  # type: ignore[attr-defined]


class Counting:
    """A create view: counts its runs and answers what `answer` says."""

    def __init__(self, answer: str = "redirect") -> None:
        self.runs = 0
        self.answer = answer
        self.view = once.once_per_form(self)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.runs += 1
        if self.answer == "invalid":
            return HttpResponse("feltet mangler", status=200)
        if self.answer == "refused":
            messages.error(request, "Avvist")
            return redirect("/skjema/")
        if self.answer == "nothing to do":
            messages.info(request, "Det finnes allerede")
            return redirect("/finnes/")
        if self.answer == "created late":
            messages.warning(request, "Laget, men for sent")
        if self.answer == "crash":
            raise RuntimeError("boom")
        return redirect(f"/laget/{self.runs}/")


def test_the_first_post_runs_the_view_and_the_second_is_sent_to_its_outcome(world) -> None:
    view = Counting()
    first = view.view(_request(world.secretary))
    second_request = _request(world.secretary)
    second = view.view(second_request)
    assert view.runs == 1
    assert first["Location"] == second["Location"] == "/laget/1/"
    assert _said(second_request) == [nb("The form had already been sent. It was saved once.")]
    assert nb("The form had already been sent. It was saved once.") == (
        "Skjemaet var allerede sendt. Det ble lagret én gang."
    )
    claim = FormSubmission.objects.get()
    assert claim.user == world.secretary and claim.outcome == "/laget/1/"
    assert TOKEN not in claim.key  # only a digest is stored


def test_a_form_rerendered_with_errors_lets_the_same_token_be_sent_again(world) -> None:
    view = Counting("invalid")
    assert view.view(_request(world.secretary)).status_code == 200
    assert not FormSubmission.objects.exists()
    view.answer = "redirect"
    assert view.view(_request(world.secretary))["Location"] == "/laget/2/"
    assert view.runs == 2


@pytest.mark.parametrize("answer", ["refused", "nothing to do", "crash"])
def test_a_refusal_or_an_error_releases_the_token(world, answer) -> None:
    view = Counting(answer)
    if answer == "crash":
        with pytest.raises(RuntimeError):
            view.view(_request(world.secretary))
    else:
        assert view.view(_request(world.secretary)).status_code == 302
    assert not FormSubmission.objects.exists()
    view.answer = "redirect"
    view.view(_request(world.secretary))
    assert view.runs == 2


def test_a_creation_announced_with_a_warning_is_an_outcome(world) -> None:
    view = Counting("created late")
    view.view(_request(world.secretary))
    view.view(_request(world.secretary))
    assert view.runs == 1 and FormSubmission.objects.get().outcome == "/laget/1/"


@pytest.mark.parametrize("token", [None, "", "kort", "x" * 65, "ikke et token med mellomrom"])
def test_a_post_without_a_usable_token_still_works_every_time(world, token) -> None:
    view = Counting()
    view.view(_request(world.secretary, token))
    view.view(_request(world.secretary, token))
    assert view.runs == 2 and not FormSubmission.objects.exists()


def test_one_persons_token_does_not_block_another_person(world) -> None:
    view = Counting()
    view.view(_request(world.secretary))
    assert view.view(_request(world.coordinator))["Location"] == "/laget/2/"
    assert view.runs == 2


def test_an_anonymous_form_is_claimed_too(db) -> None:
    view = Counting()
    view.view(_request(AnonymousUser()))
    view.view(_request(AnonymousUser()))
    assert view.runs == 1 and FormSubmission.objects.get().user is None


def test_a_second_click_waits_for_the_first_to_finish(world, monkeypatch) -> None:
    """The first request is still running (its claim has no outcome yet): the second polls and
    is sent where the first one ended."""
    view = Counting()
    FormSubmission.objects.create(key=once._key(TOKEN, world.secretary), user=world.secretary)
    polls: list[float] = []

    def first_finishes(seconds: float) -> None:
        polls.append(seconds)
        FormSubmission.objects.update(outcome="/laget/av-den-forste/")

    monkeypatch.setattr(once.time, "sleep", first_finishes)
    response = view.view(_request(world.secretary))
    assert view.runs == 0 and polls == [once.POLL_SECONDS]
    assert response["Location"] == "/laget/av-den-forste/"


def test_a_second_click_takes_over_when_the_first_created_nothing(world, monkeypatch) -> None:
    view = Counting()
    FormSubmission.objects.create(key=once._key(TOKEN, world.secretary), user=world.secretary)
    monkeypatch.setattr(once.time, "sleep", lambda s: FormSubmission.objects.all().delete())
    assert view.view(_request(world.secretary))["Location"] == "/laget/1/"
    assert view.runs == 1


def test_a_first_request_that_never_finishes_gives_a_clear_answer(world, monkeypatch) -> None:
    view = Counting()
    FormSubmission.objects.create(key=once._key(TOKEN, world.secretary), user=world.secretary)
    monkeypatch.setattr(once, "WAIT_SECONDS", 0)
    request = _request(world.secretary, HTTP_REFERER="http://testserver/skjema/")
    response = view.view(request)
    assert view.runs == 0
    assert response["Location"] == "http://testserver/skjema/"
    assert _said(request) == [
        nb(
            "The form you sent is still being saved. Wait a moment and check that it was "
            "saved before you send it again."
        )
    ]


def test_an_outcome_elsewhere_is_never_followed(world) -> None:
    view = Counting()
    FormSubmission.objects.create(
        key=once._key(TOKEN, world.secretary), user=world.secretary, outcome="https://evil.example/"
    )
    assert view.view(_request(world.secretary))["Location"] == "/"


def test_get_requests_pass_through(world) -> None:
    view = Counting()
    request = RequestFactory().get("/skjema/", {once.FIELD: TOKEN})
    request.user = world.secretary
    view.view(request)
    view.view(request)
    assert view.runs == 2


def test_old_claims_are_deleted_by_age(world) -> None:
    old = FormSubmission.objects.create(key="1" * 64, outcome="/a/")
    FormSubmission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    FormSubmission.objects.create(key="2" * 64, outcome="/b/")
    assert once.delete_old_claims() == 1
    assert list(FormSubmission.objects.values_list("key", flat=True)) == ["2" * 64]


def test_the_tag_renders_a_fresh_hidden_token_each_time() -> None:
    template = Template("{% form_once %}|{% form_once %}")
    first, second = template.render(Context()).split("|")
    assert first.startswith(f'<input type="hidden" name="{once.FIELD}" value="')
    assert first != second
    value = first.split('value="')[1].rstrip('">')
    assert once._TOKEN.fullmatch(value)
