from django.contrib import admin

from .models import Event, Invite, Membership, Piece, Snapshot


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


admin.site.register(Snapshot)
