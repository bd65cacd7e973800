from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "phone", "language", "notification_mode"]
        widgets = {"phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["language"].help_text = _("The language Medvirke uses for you and your e-mail.")
        # Left out of a post (an older form), the choice stays as it was.
        self.fields["notification_mode"].required = False

    def clean_notification_mode(self) -> str:
        return str(self.cleaned_data.get("notification_mode") or self.instance.notification_mode)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        digits = phone.replace(" ", "").removeprefix("+")
        if phone and (not digits.isdigit() or not 8 <= len(digits) <= 15):
            raise forms.ValidationError(
                _("Enter a phone number with 8 to 15 digits, for example 912 34 567.")
            )
        return phone
