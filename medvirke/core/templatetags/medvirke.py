"""Designsystemet markup for Django forms: fields with label, description and error, and the
error summary, so every form reports bad input the same accessible way."""

from typing import Any

from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS

register = template.Library()

WIDGET_CLASS: dict[type[forms.Widget], str] = {
    forms.Select: "ds-input",
    forms.Textarea: "ds-input",
    forms.CheckboxInput: "ds-input",
}


@register.inclusion_tag("core/components/field.html")
def field(bound: forms.BoundField, **options: Any) -> dict[str, Any]:
    widget = bound.field.widget
    describedby = []
    if bound.help_text:
        describedby.append(f"{bound.auto_id}_help")
    if bound.errors:
        describedby.append(f"{bound.auto_id}_error")
    attrs: dict[str, Any] = {"class": WIDGET_CLASS.get(type(widget), "ds-input")}
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    if bound.errors:
        attrs["aria-invalid"] = "true"
    if bound.field.required:
        attrs["aria-required"] = "true"
    return {
        "field": bound,
        "widget": bound.as_widget(attrs=attrs),
        "is_checkbox": isinstance(widget, forms.CheckboxInput),
        "hidden": bound.is_hidden,
        **options,
    }


@register.inclusion_tag("core/components/error_summary.html")
def error_summary(form: forms.BaseForm) -> dict[str, Any]:
    """Links to every field with an error, plus the form-wide errors, at the top of the form."""
    items: list[tuple[str | None, Any]] = [(None, error) for error in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS:
            continue
        bound = form[name]
        target = None if bound.is_hidden else bound.auto_id
        for error in errors:
            items.append((target, f"{bound.label}: {error}" if target else error))
    return {"items": items}
