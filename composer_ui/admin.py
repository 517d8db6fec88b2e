from django.contrib import admin

from .models import Decision, Event, GenerationJob, Invite, Membership, Piece, Proposal, Snapshot


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Piece)
class PieceAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "owner", "head_seq", "updated_at")
    search_fields = ("title",)
    inlines = [MembershipInline]


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ("piece", "role", "created_by", "created_at", "revoked_at")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The log is append-only: the admin can read it, never change it."""

    list_display = ("piece", "seq", "actor_kind", "actor_user", "actor_label", "kind", "created_at")
    list_filter = ("actor_kind", "kind")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("piece", "user", "role", "joined_at")
    list_filter = ("role",)
    search_fields = ("piece__title", "user__username")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Job records are evidence for a study: shown, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(GenerationJob)
class GenerationJobAdmin(ReadOnlyAdmin):
    list_display = ("id", "piece", "requester", "operation", "status", "model_entry", "model_name", "model_version",
                    "model_endpoint", "seed", "created_at")
    list_filter = ("status", "operation", "model_entry", "model_name")


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    list_display = ("job", "created_at")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("job", "user", "action", "candidate", "stale", "forced", "created_at")
    list_filter = ("action",)


admin.site.register(Snapshot)
