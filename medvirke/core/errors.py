"""The errors Medvirke raises on purpose, in one hierarchy so a view catches a refusal once.

    MedvirkeError                 everything below; never raised itself
    ├── RefusedError              a rule says no; the message is for the person, in their language
    │   ├── StaleEditError        someone else saved the record after this edit was opened
    │   └── (per app)             MinutesLockedError, NeedsOverrideError, InvitationError,
    │                             ConsentRequired, DeletionRefused, AlreadyAffiliated
    └── AppendOnlyError           code tried to change or delete history (a bug, never shown)

Services raise these; views catch `RefusedError` (or a subclass they treat differently first, as
the edit views do with `StaleEditError` to keep what was typed) and show `str(exc)` next to the
field or at the top of the form. Anything else that escapes is a bug and answers 500.
"""

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _


class MedvirkeError(Exception):
    """The root of the errors raised on purpose (see the module docstring)."""


class RefusedError(MedvirkeError):
    """A rule refuses the action; `messages` say why, in the language of the request.

    Raised with one message or several (a deletion blocked for more than one reason); without
    any, the class's `default_message` stands in, so `str(exc)` is never empty on a page."""

    default_message: ClassVar[Any] = _("This cannot be done now.")

    def __init__(self, *messages: Any) -> None:
        super().__init__(*messages)
        self.messages: list[str] = [str(m) for m in messages] or [str(self.default_message)]

    def __str__(self) -> str:
        return " ".join(self.messages)


class StaleEditError(RefusedError):
    """Someone else saved the record after this edit form was opened (optimistic lock,
    core/locking.py). `version` is the version stored now: the view puts it in the form it
    shows back, so the person's next save, after comparing, goes through."""

    default_message = _(
        "Someone else saved changes while you were editing. Your changes are kept below: "
        "compare and save again."
    )

    def __init__(self, *messages: Any, version: int | None = None) -> None:
        super().__init__(*messages)
        self.version = version


class AppendOnlyError(MedvirkeError):
    """Code tried to change or delete a history or access-log row (core/models.py)."""
