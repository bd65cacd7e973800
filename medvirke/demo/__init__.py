"""The demo world (`medvirke load_demo`, `medvirke demo`): real Norwegian organisations by their
public names, invented people, councils with a history and a year of meetings around today.

It sits above every app and builds its data through their services, the same verbs the pages
use, so the demo's history reads as if people had done it; where no verb exists (terms held
before the demo begins, times moved into the past) the module says so and saves the row with
its history. Each part loads after the parts it needs, and loading again adds nothing.
"""

from typing import TYPE_CHECKING

from django.db import transaction

if TYPE_CHECKING:
    from .people import Login


def load() -> "list[Login]":
    """Create (or top up) the demo world in one transaction; returns the demo logins as
    (e-mail, name, what they can do)."""
    # Imported here: Django imports this package as an app before any model can be imported.
    from . import bodies, meetings, organisations, representatives

    logins: list[Login] = []
    with transaction.atomic():
        for part in (organisations, representatives, bodies, meetings):
            logins += part.load()
    return logins
