from django import forms
from django.contrib.auth.forms import UserCreationForm


class SignUpForm(UserCreationForm):
    first_name = forms.CharField(label="Display name", max_length=40, required=False,
                                 help_text="How others in a room see you. Defaults to your username.")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "first_name")


class GuestJoinForm(forms.Form):
    display_name = forms.CharField(max_length=40, label="Your name")


class PieceForm(forms.Form):
    title = forms.CharField(max_length=200, initial="Untitled")
    tempo = forms.IntegerField(min_value=20, max_value=400, initial=100)
    time_signature = forms.ChoiceField(choices=[("4/4", "4/4"), ("3/4", "3/4"), ("2/4", "2/4"), ("6/8", "6/8")],
                                       initial="4/4")
    key = forms.CharField(max_length=12, initial="C major")
    bars = forms.IntegerField(min_value=1, max_value=1000, initial=8)


class InviteForm(forms.Form):
    role = forms.ChoiceField(choices=[("editor", "editor"), ("viewer", "viewer")])


class ClassroomForm(forms.Form):
    """The owner's rules for the room: one voice per student, and how the AI may be used."""

    own_tracks_only = forms.BooleanField(required=False, label="Own tracks only: members edit just their tracks")
    ai_enabled = forms.BooleanField(required=False, label="AI partner on")
    ai_mode = forms.ChoiceField(label="Turns", choices=[
        ("free", "free: anyone asks the AI any time"),
        ("alternate", "alternate: a person edits between two AI requests"),
        ("teacher_approves", "teacher approves: only the owner accepts AI proposals")])
    ai_operations = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                              label="The AI may", choices=[
                                                  ("continue", "continue"), ("infill", "fill in"),
                                                  ("harmonize", "harmonize"), ("vary", "vary")])
    ai_quota_per_hour = forms.IntegerField(min_value=0, max_value=1000, label="AI requests per member per hour")
