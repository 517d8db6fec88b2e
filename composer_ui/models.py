"""Pieces, their members and invites, and the append-only event log.

The event log is the single source of truth for a piece's music: the piece
row only holds the head ``seq`` (the sequencer) and who owns it. Snapshots
are caches of the fold, written every N events so joining stays fast.
"""
import secrets

from django.conf import settings
from django.db import models

from .permissions import EDITOR, ROLES, VIEWER
from .regions import Region

ROLE_CHOICES = [(role, role) for role in ROLES]
PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324",
           "#469990", "#800000", "#808000", "#000075", "#bfef45", "#fabed4", "#dcbeff", "#ffd8b1"]


class Piece(models.Model):
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="owned_pieces")
    head_seq = models.PositiveBigIntegerField(default=0)
    # Bumped by every change of members or roles: a process's cached members list is current while
    # this matches (selectors.room_entry reads it in the same query as the membership).
    members_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title


class Membership(models.Model):
    piece = models.ForeignKey(Piece, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=ROLE_CHOICES, default=EDITOR)
    colour = models.CharField(max_length=7)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["piece", "user"], name="one_membership_per_user")]

    def __str__(self):
        return f"{self.user} is {self.role} of {self.piece}"


def _new_token():
    return secrets.token_urlsafe(24)


class Invite(models.Model):
    piece = models.ForeignKey(Piece, on_delete=models.CASCADE, related_name="invites")
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    role = models.CharField(max_length=10, choices=[(EDITOR, EDITOR), (VIEWER, VIEWER)], default=EDITOR)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @property
    def is_active(self):
        return self.revoked_at is None


class Event(models.Model):
    """One committed message of ops. Never updated or deleted (see ``save``)."""

    USER, MODEL, SYSTEM = "user", "model", "system"

    piece = models.ForeignKey(Piece, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    actor_kind = models.CharField(max_length=10, choices=[(USER, USER), (MODEL, MODEL), (SYSTEM, SYSTEM)])
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=120, blank=True)  # e.g. a model's name@version
    kind = models.CharField(max_length=40, default="edit")  # edit, create, import, accept, undo...
    ops = models.JSONField()
    client_op_id = models.CharField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["piece", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["piece", "seq"], name="contiguous_seq_per_piece"),
            models.UniqueConstraint(fields=["piece", "client_op_id"], name="idempotent_client_op"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("the event log is append-only")
        super().save(*args, **kwargs)

    @property
    def actor(self) -> dict:
        if self.actor_kind == self.USER:
            return {"kind": self.USER, "id": self.actor_user_id}
        return {"kind": self.actor_kind, "name": self.actor_label}


class Snapshot(models.Model):
    piece = models.ForeignKey(Piece, on_delete=models.CASCADE, related_name="snapshots")
    seq = models.PositiveBigIntegerField()
    state = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["piece", "seq"], name="one_snapshot_per_seq")]


class GenerationJob(models.Model):
    """One request to the AI: who asked, for what region, with which controls and seed,
    against which `seq` of the piece, and what became of it."""

    QUEUED, RUNNING, READY, FAILED, CANCELLED = "queued", "running", "ready", "failed", "cancelled"
    ACCEPTED, REJECTED = "accepted", "rejected"
    ACTIVE = (QUEUED, RUNNING)
    STATUSES = (QUEUED, RUNNING, READY, FAILED, CANCELLED, ACCEPTED, REJECTED)

    piece = models.ForeignKey(Piece, on_delete=models.CASCADE, related_name="jobs")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request_id = models.CharField(max_length=64, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    operation = models.CharField(max_length=20)
    tracks = models.JSONField()
    start_bar = models.PositiveIntegerField()
    end_bar = models.PositiveIntegerField()
    controls = models.JSONField(default=dict)
    num_candidates = models.PositiveSmallIntegerField(default=4)
    seed = models.BigIntegerField()
    base_seq = models.PositiveBigIntegerField()
    model_name = models.CharField(max_length=120)
    model_version = models.CharField(max_length=60)
    model_checksum = models.CharField(max_length=64, blank=True)
    # Which of the studio's models (a STUDIO_MODELS name; "" for jobs from before the registry: the default
    # model then) and where it ran: its server's URL or "in-process <backend>".
    model_entry = models.CharField(max_length=40, blank=True, default="")
    model_endpoint = models.CharField(max_length=300, blank=True, default="")
    status = models.CharField(max_length=10, choices=[(s, s) for s in STATUSES], default=QUEUED)
    reason = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "lease_expires_at"]), models.Index(fields=["piece", "status"]),
                   models.Index(fields=["model_entry", "status"])]

    @property
    def region(self) -> Region:
        """The tracks x bars the AI was asked to write."""
        return Region(tuple(self.tracks), self.start_bar, self.end_bar)


class Proposal(models.Model):
    """What a job produced: K candidates of ghost notes. At most one per job."""

    job = models.OneToOneField(GenerationJob, on_delete=models.CASCADE, related_name="proposal")
    candidates = models.JSONField()  # [{"notes": [...], "score": float}]
    provenance = models.JSONField()
    timings = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)


class Decision(models.Model):
    """Accepting or rejecting a proposal, with the candidates the person auditioned."""

    ACCEPT, REJECT = "accept", "reject"

    job = models.OneToOneField(GenerationJob, on_delete=models.CASCADE, related_name="decision")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=10, choices=[(ACCEPT, ACCEPT), (REJECT, REJECT)])
    candidate = models.PositiveSmallIntegerField(null=True, blank=True)
    auditioned = models.JSONField(default=list)
    stale = models.BooleanField(default=False)
    forced = models.BooleanField(default=False)
    event_seq = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class PieceVideo(models.Model):
    """The one video a piece is scored to (issue 16): its bytes lie in STUDIO_VIDEO_DIR as ``stored_as``,
    exactly as uploaded (never transcoded); members see it through the ranged download only."""

    piece = models.OneToOneField(Piece, on_delete=models.CASCADE, related_name="video")
    name = models.CharField(max_length=200)  # the uploaded file's name, cleaned, for people to read
    kind = models.CharField(max_length=8)  # "mp4" or "webm", from the bytes (video_files.sniff)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_as = models.CharField(max_length=120, unique=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now=True)
