from django import forms
from django.contrib.auth.forms import UserCreationForm

from .errors import StudioError
from .piece_templates import DEFAULT_TEMPLATE, template_choices
from .symbols import normalize_key


class SignUpForm(UserCreationForm):
    first_name = forms.CharField(label="Display name", max_length=40, required=False,
                                 help_text="How others in a room see you. Defaults to your username.")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "first_name")


class GuestJoinForm(forms.Form):
    display_name = forms.CharField(max_length=40, label="Your name")


METERS = ["4/4", "3/4", "2/4", "2/2", "6/8", "9/8", "12/8", "3/8", "6/4", "3/2", "4/2", "5/4", "7/8"]


class PieceForm(forms.Form):
    """A new piece: what it is (a template of tracks) and its key, meter, tempo and length."""

    title = forms.CharField(max_length=200, initial="Untitled")
    template = forms.ChoiceField(label="Start from", choices=template_choices(), initial=DEFAULT_TEMPLATE,
                                 widget=forms.RadioSelect, required=False)
    key = forms.CharField(max_length=40, initial="C major",
                          help_text="As you would say it: G, e minor, Bb, F# minor…")
    time_signature = forms.ChoiceField(label="Meter", choices=[(m, m) for m in METERS], initial="4/4")
    tempo = forms.IntegerField(min_value=20, max_value=400, initial=100, label="Tempo (♩ per minute)")
    bars = forms.IntegerField(min_value=1, max_value=1000, initial=8)

    def clean_template(self):
        return self.cleaned_data["template"] or DEFAULT_TEMPLATE  # a plain POST without one gets a melody

    def clean_key(self):
        try:
            return normalize_key(self.cleaned_data["key"])
        except StudioError as error:
            raise forms.ValidationError(error.message) from None
