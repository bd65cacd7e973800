"""Every POST form in the templates either carries the one-time token (`{% form_once %}`, see
core/once.py) or is listed here as one that creates nothing, with the reason. A new form fails
this test until its author has decided which it is. (The rendered create pages are walked in
meetings/tests/test_every_create_form_has_token.py.)"""

import re
from pathlib import Path

import medvirke

ROOT = Path(medvirke.__file__).parent

# The URL name a form's action names (or, for a form posting to its own page, its template)
# → why a double submit of it needs no token: it changes the state of something that exists,
# guarded by the service (a status check under a row lock), or it is idempotent. Keyed by the
# URL name where there is one, so moving a form to another template changes nothing here.
NOT_CREATING: dict[str, str] = {
    "accounts/templates/accounts/profile.html": "edits the person's own profile",
    "affiliation_decide": "decides a pending affiliation; refused once decided",
    "call_close": "closes a call; refused once closed",
    "invitation_withdraw": "withdraws an invitation; idempotent",
    "join_request_answer": "answers a request to join; refused once answered",
    "meeting_held": "marks as held; refused once held",
    "meetings/templates/meetings/member/_feed.html": (
        "makes or replaces the person's one calendar address (one per person)"
    ),
    "meetings/templates/meetings/minutes/remove_confirm.html": "confirms a removal",
    "meetings/templates/meetings/secretariat/attendance.html": (
        "records who came, one row per person (updated, not added)"
    ),
    "meetings/templates/meetings/secretariat/call_confirm.html": (
        "calls the meeting; refused once called, so the notice goes out once"
    ),
    "minutes_advice_remove": "removes; a second removal finds nothing",
    "minutes_approve": "approves; refused once approved",
    "minutes_dissent_remove": "removes; a second removal finds nothing",
    "minutes_edit": "saves the draft's text, checked against the version it was loaded with",
    "minutes_publish": "publishes; refused once published",
    "minutes_send": "sends for comments; refused once sent",
    "my_affiliation_end": "ends an affiliation; refused once ended",
    "my_calendars_reset": (
        "replaces the person's calendar addresses; a second reset replaces them again"
    ),
    "nomination_decline": "declines a nomination; refused once decided",
    "notification_read": "marks as read",
    "notifications_read_all": "marks as read",
    "organisation_end": "ends or reactivates; refused in the wrong state",
    "organisations/templates/organisations/revoke_role.html": "ends a role; idempotent",
    "participation_confirm": "confirms a term; idempotent",
    "participation_withdraw": "withdraws a nomination; a second withdrawal is refused by status",
    "proposal_answer": "answers a proposal; refused once answered",
    "representatives/templates/representatives/confirm_delete.html": "confirms a deletion",
    "representatives/templates/representatives/consent.html": (
        "gives or withdraws consent: a time stamp set once"
    ),
    "representatives/templates/representatives/deletion/confirm.html": (
        "carries out a deletion; refused once done"
    ),
    "representatives/templates/representatives/experience.html": (
        "sets the person's experience areas (a set, not added rows)"
    ),
    "templates/base.html": "log out, language and organisation switchers",
}

# Create forms that do not carry the token yet, each with the reason (keep it empty).
PENDING: dict[str, str] = {}

_FORM = re.compile(r"<form\b[^>]*>", re.IGNORECASE)
_ACTION = re.compile(r"""action="\{% url '([a-z_]+)'""")


def post_forms() -> list[tuple[str, str, bool]]:
    """(template, URL name of the action or "", has the token) for every POST form."""
    found = []
    for path in sorted(ROOT.rglob("templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for match in _FORM.finditer(text):
            tag = match.group(0)
            if 'method="post"' not in tag.lower():
                continue
            end = text.find("</form>", match.end())
            body = text[match.end() : end if end != -1 else len(text)]
            action = _ACTION.search(tag)
            name = str(path.relative_to(ROOT))
            found.append((name, action.group(1) if action else "", "{% form_once %}" in body))
    return found


def test_every_post_form_carries_the_token_or_is_known_not_to_create() -> None:
    forms = post_forms()
    assert len(forms) > 40  # the scan found the templates
    unknown = [
        (template, action)
        for template, action, has_token in forms
        if not has_token and (action or template) not in NOT_CREATING | PENDING
    ]
    assert not unknown, (
        "POST forms without {% form_once %}: add the tag (and @once_per_form on the view) if "
        f"the form creates something, or list it in NOT_CREATING with the reason: {unknown}"
    )


def test_the_list_of_forms_that_create_nothing_is_current() -> None:
    without_token = {a or t for t, a, has_token in post_forms() if not has_token}
    stale = (set(NOT_CREATING) | set(PENDING)) - without_token
    assert not stale, f"listed but no such form without the token any more: {stale}"
