"""Read-only in the admin: changes go through the pages, so they reach the history. Health data
(experience areas and description) is left out: platform operators have no need to see it, and
a read here would bypass the access log."""

from django.contrib import admin

from medvirke.core.admin import ReadOnlyAdmin

from .models import (
    Affiliation,
    EmploymentDeclaration,
    ExperienceArea,
    ExternalEngagement,
    JoinRequest,
    Representative,
)


@admin.register(ExperienceArea)
class ExperienceAreaAdmin(ReadOnlyAdmin):
    list_display = ["name_nb", "name_en", "required_for_trust_councils", "is_active", "sort_order"]
    list_filter = ["is_active", "required_for_trust_councils"]


@admin.register(Representative)
class RepresentativeAdmin(ReadOnlyAdmin):
    list_display = ["user", "experience", "municipality", "created_at", "deleted_at"]
    list_filter = ["experience"]
    search_fields = ["user__full_name", "user__email"]
    exclude = ["experience_areas", "experience_description"]
    raw_id_fields = ["user", "municipality", "registered_by"]


@admin.register(Affiliation)
class AffiliationAdmin(ReadOnlyAdmin):
    list_display = ["representative", "organisation", "status", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["representative", "organisation", "decided_by"]


@admin.register(EmploymentDeclaration)
class EmploymentDeclarationAdmin(ReadOnlyAdmin):
    list_display = ["representative", "employer_name", "position", "starts_on", "ends_on"]
    raw_id_fields = ["representative", "employer"]


@admin.register(ExternalEngagement)
class ExternalEngagementAdmin(ReadOnlyAdmin):
    list_display = ["representative", "title", "organisation_name", "starts_on", "ends_on"]
    raw_id_fields = ["representative"]


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "email", "organisation", "status", "created_at", "answered_at"]
    list_filter = ["status"]
    raw_id_fields = ["organisation", "user", "municipality", "requested_by"]
