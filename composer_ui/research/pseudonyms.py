"""Stable pseudonyms for a study export: no names, emails or account ids leave in a research file."""
import re

from django.contrib.auth import get_user_model

from ..models import Membership

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Free text a person typed (a title, a track's name) may hold a name; ids and numbers never do.
TEXT_FIELDS = ("name", "title", "summary", "reason", "file_name", "label")  # label: a cue's
USER_ID_FIELDS = ("owner", "accepted_by", "requester", "user")


class Pseudonyms:
    """P01, P02... in order of first appearance (members of the pieces by join order first)."""

    def __init__(self, piece_ids):
        self.ids: dict[int, str] = {}
        members = Membership.objects.filter(piece_id__in=list(piece_ids)).order_by("piece_id", "joined_at", "pk")
        for user_id in members.values_list("user_id", flat=True):
            self.of(user_id)
        self._names = None

    def of(self, user_id) -> str | None:
        if not isinstance(user_id, int) or isinstance(user_id, bool):
            return None
        if user_id not in self.ids:
            self.ids[user_id] = f"P{len(self.ids) + 1:02d}"
            self._names = None
        return self.ids[user_id]

    def key(self, actor_key: str) -> str:
        """"user:3" -> "user:P01"; model and system keys stay as they are."""
        if actor_key.startswith("user:") and actor_key[5:].isdigit():
            return f"user:{self.of(int(actor_key[5:]))}"
        return actor_key

    def scrub(self, text: str) -> str:
        """Replace any known person's name, username or email in free text by their pseudonym."""
        text = EMAIL.sub("[email]", text)
        pattern, replacement = self._name_pattern()
        return pattern.sub(lambda m: replacement[m.group(0).casefold()], text) if pattern else text

    def value(self, value, field: str | None = None):
        """A JSON value with user ids pseudonymized and free text scrubbed, recursively."""
        if isinstance(value, dict):
            if value.get("kind") == "user" and "id" in value:
                return {**{k: self.value(v, k) for k, v in value.items()}, "id": self.of(value["id"])}
            return {k: self.value(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v, field) for v in value]
        if field in USER_ID_FIELDS and isinstance(value, int):
            return self.of(value)
        if field in TEXT_FIELDS and isinstance(value, str):
            return self.scrub(value)
        return value

    def names(self) -> dict:
        """{user id: pseudonym}, for the attribution text written into MIDI and MusicXML."""
        return dict(self.ids)

    def _name_pattern(self):
        if self._names is None:
            replacement = {}
            for user in get_user_model().objects.filter(pk__in=list(self.ids)):
                for name in (user.username, user.first_name, user.last_name, user.email,
                             f"{user.first_name} {user.last_name}".strip()):
                    if name and len(name) >= 2:
                        replacement[name.casefold()] = self.ids[user.pk]
            words = sorted(replacement, key=len, reverse=True)
            pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, words)) + r")(?!\w)",
                                 re.IGNORECASE) if words else None
            self._names = (pattern, replacement)
        return self._names
