"""Who did something in a piece, as stable keys: "user:3", "model:gridcoco@1.0", "system"."""
from ..attribution import author_key as actor_key  # noqa: F401  (one definition of the keys)
from ..models import Membership, PALETTE

AI_COLOUR = "#7a5af8"  # the roll paints AI notes in this violet
SYSTEM_COLOUR = "#a0a0a0"


def model_key(name: str, version: str) -> str:
    return f"model:{name}@{version}"


def user_key(user_id: int | None) -> str:
    return "system" if user_id is None else f"user:{user_id}"


def actors_for(piece_ids, keys) -> list[dict]:
    """Names and colours for the given keys: members by their room colour, the AI in one grey."""
    members = {m.user_id: m for m in Membership.objects.filter(piece_id__in=list(piece_ids)).select_related("user")}
    users = _users([int(k.split(":", 1)[1]) for k in keys if k.startswith("user:") and k[5:].isdigit()])
    actors = []
    for key in sorted(set(keys), key=_order):
        if key.startswith("user:"):
            user_id = int(key[5:]) if key[5:].isdigit() else None
            member, user = members.get(user_id), users.get(user_id)
            name = (user.first_name or user.username) if user else f"former member {user_id}"
            colour = member.colour if member else PALETTE[(user_id or 0) % len(PALETTE)]
            actors.append({"key": key, "kind": "user", "name": name, "colour": colour})
        elif key.startswith("model:"):
            actors.append({"key": key, "kind": "model", "name": f"AI ({key[6:]})", "colour": AI_COLOUR})
        else:
            actors.append({"key": key, "kind": "system", "name": "the studio", "colour": SYSTEM_COLOUR})
    return actors


def _users(ids):
    from django.contrib.auth import get_user_model

    return {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}


def _order(key: str):
    kind_rank = {"user": 0, "model": 1}.get(key.split(":", 1)[0], 2)
    rest = key.split(":", 1)[-1]
    return (kind_rank, int(rest) if rest.isdigit() else 0, rest)
