"""One error hierarchy (core/errors.py): every refusal a service raises is a RefusedError, so a
view that catches RefusedError once shows any of them; a bug in the history is not one."""

from medvirke.core.errors import MedvirkeError, RefusedError
from medvirke.core.models import AppendOnlyError


def test_every_refusal_is_one_kind_that_views_catch_once() -> None:
    from medvirke.bodies import body_admin
    from medvirke.bodies import services as body_services
    from medvirke.meetings import services as meeting_services
    from medvirke.organisations import services as organisation_services
    from medvirke.representatives import services as rep_services
    from medvirke.representatives import services_joining

    for refusal in (
        body_admin.StaleEditError,
        body_services.RefusedError,
        body_services.NeedsOverrideError,
        meeting_services.RefusedError,
        meeting_services.StaleEditError,
        meeting_services.MinutesLockedError,
        organisation_services.InvitationError,
        organisation_services.StaleEditError,
        rep_services.ConsentRequired,
        rep_services.DeletionRefused,
        services_joining.AlreadyAffiliated,
        services_joining.RefusedError,
    ):
        assert issubclass(refusal, RefusedError), refusal
    assert issubclass(AppendOnlyError, MedvirkeError)
    assert not issubclass(AppendOnlyError, RefusedError)  # a bug, never shown as a refusal
    # A refusal raised without words still says something on the page.
    assert str(RefusedError()) and str(meeting_services.MinutesLockedError())
