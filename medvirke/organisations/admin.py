"""Read-only in the admin: changes go through the pages, so they reach the history."""

from django.contrib import admin

from medvirke.core.admin import ReadOnlyAdmin

from .models import Invitation, Organisation, StaffRole


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "short_name", "kind", "parent", "org_number", "ended_on"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "org_number"]
    raw_id_fields = ["parent"]


@admin.register(StaffRole)
class StaffRoleAdmin(ReadOnlyAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    raw_id_fields = ["user", "organisation"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    readonly_fields = ["token_hash"]
    raw_id_fields = ["organisation", "invited_by", "accepted_by"]
