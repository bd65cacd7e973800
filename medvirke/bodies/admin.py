"""Read-only in the admin: changes go through the pages, so they reach the history."""

from django.contrib import admin

from medvirke.core.admin import ReadOnlyAdmin

from .models import Body, Call, Nomination, Seat, Term


@admin.register(Body)
class BodyAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "owner", "ladder_step", "is_public", "ended_on"]
    list_filter = ["kind", "level", "ladder_step", "is_public"]
    search_fields = ["name", "owner__name"]
    raw_id_fields = ["owner"]
    filter_horizontal = ["secretariat"]


@admin.register(Seat)
class SeatAdmin(ReadOnlyAdmin):
    list_display = ["body", "role", "rank", "retired_on"]
    list_filter = ["role"]
    search_fields = ["body__name"]
    raw_id_fields = ["body"]


@admin.register(Term)
class TermAdmin(ReadOnlyAdmin):
    list_display = ["representative", "seat", "starts_on", "ends_on", "ended_on", "end_reason"]
    list_filter = ["end_reason"]
    search_fields = ["seat__body__name", "representative__user__full_name"]
    raw_id_fields = ["seat", "representative", "nominated_by", "nomination", "appointed_by"]


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ["body", "deadline", "opened_at", "closed_at"]
    search_fields = ["body__name"]
    raw_id_fields = ["body", "opened_by"]


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ["representative", "call", "organisation", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["representative__user__full_name", "organisation__name"]
    raw_id_fields = ["call", "representative", "organisation", "nominated_by"]
