"""`{% form_once %}`: the hidden one-time token of a form that creates something (core/once.py).

A builtin (settings.TEMPLATES), so a template needs only the tag next to `{% csrf_token %}`."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from medvirke.core.once import FIELD, new_token

register = template.Library()


@register.simple_tag
def form_once() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_token())
