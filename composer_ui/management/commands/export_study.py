"""Export a set of pieces as one pseudonymous study archive (docs/research-log.md).

    python manage.py export_study --out study.zip --piece 3 --piece 7
    python manage.py export_study --out study.zip --owner teacher
"""
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from composer_ui.models import Membership, Piece
from composer_ui.permissions import HISTORY_ROLES
from composer_ui.research.downloads import download


class Command(BaseCommand):
    help = "Write the history, analytics and decision snapshots of pieces as one pseudonymous zip."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the zip file to write")
        parser.add_argument("--piece", type=int, action="append", default=[], help="a piece id (repeatable)")
        parser.add_argument("--owner", help="every piece this user owns or researches")
        parser.add_argument("--all", action="store_true", help="every piece on this server")

    def handle(self, *args, out, piece, owner, all, **options):
        ids = set(piece)
        if owner:
            user = get_user_model().objects.filter(username=owner).first()
            if user is None:
                raise CommandError(f"no user {owner!r}")
            ids |= set(Membership.objects.filter(user=user, role__in=HISTORY_ROLES).values_list("piece_id", flat=True))
        if all:
            ids |= set(Piece.objects.values_list("pk", flat=True))
        missing = ids - set(Piece.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if missing:
            raise CommandError(f"no such piece: {', '.join(map(str, sorted(missing)))}")
        if not ids:
            raise CommandError("name pieces with --piece, --owner or --all")
        data = download("study.zip", ids, filename=Path(out).name).body
        Path(out).write_bytes(data)
        self.stdout.write(f"wrote {out}: {len(ids)} piece(s), {len(data)} bytes")
