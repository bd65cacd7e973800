"""The secretariat's pages for bodies (see urls_secretariat.py)."""

from .bodies import (
    body_create,
    body_detail,
    body_edit,
    body_history,
    body_list,
    call_for_vacancy,
    term_end,
)
from .calls import (
    call_close,
    call_create,
    call_detail,
    nomination_appoint,
    nomination_decline,
)

__all__ = [
    "body_create",
    "body_detail",
    "body_edit",
    "body_history",
    "body_list",
    "call_close",
    "call_create",
    "call_detail",
    "call_for_vacancy",
    "nomination_appoint",
    "nomination_decline",
    "term_end",
]
