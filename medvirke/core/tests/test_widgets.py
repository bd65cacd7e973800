"""FastSelect renders what Django's Select would, only faster."""

from django import forms

from medvirke.core.widgets import FastSelect


class Form(forms.Form):
    place = forms.TypedChoiceField(
        coerce=int,
        required=False,
        choices=[("", "Alle"), (1, "Alta"), (2, "Bø <i>"), (3, "Karasjok")],
        widget=FastSelect,
    )


def test_the_chosen_option_is_selected_and_names_are_escaped() -> None:
    html = str(Form({"place": "2"})["place"])
    assert html.startswith('<select id="id_place" name="place">')
    assert '<option value="2" selected>Bø &lt;i&gt;</option>' in html
    assert '<option value="1">Alta</option>' in html
    assert html.count("selected") == 1


def test_nothing_chosen_selects_the_empty_option_and_bad_input_is_refused() -> None:
    assert '<option value="" selected>Alle</option>' in str(Form({})["place"])
    form = Form({"place": "99"})
    assert not form.is_valid() and "place" in form.errors
