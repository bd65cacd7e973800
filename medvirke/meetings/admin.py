"""Read-only in the admin: changes go through the pages, so they reach the history."""

from django.contrib import admin

from medvirke.core.admin import ReadOnlyAdmin

from .models import (
    AbsenceNotice,
    Advice,
    AdviceResponse,
    Attendance,
    Case,
    CaseConclusion,
    CaseProposal,
    Dissent,
    Meeting,
    Minutes,
    MinutesComment,
    MinutesVersion,
    Paper,
)


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["body", "starts_at", "ends_at", "status", "place"]
    list_filter = ["status"]
    search_fields = ["body__name", "title", "place"]
    raw_id_fields = ["body", "created_by"]
    date_hierarchy = "starts_at"


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "body", "kind", "phase", "is_public", "meeting"]
    list_filter = ["kind", "phase", "is_public", "year"]
    search_fields = ["title", "body__name"]
    raw_id_fields = ["body", "meeting", "owner_unit", "owner_person", "created_by"]


@admin.register(CaseProposal)
class CaseProposalAdmin(ReadOnlyAdmin):
    list_display = ["title", "body", "proposed_by", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "body__name"]
    raw_id_fields = ["body", "proposed_by", "case", "answered_by"]


@admin.register(Paper)
class PaperAdmin(ReadOnlyAdmin):
    list_display = ["title", "meeting", "case", "content_type", "size", "late", "published_at"]
    list_filter = ["late", "content_type"]
    search_fields = ["title"]
    raw_id_fields = ["meeting", "case", "published_by"]


@admin.register(AbsenceNotice)
class AbsenceNoticeAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "term", "deputy", "sent_at"]
    raw_id_fields = ["meeting", "term", "deputy", "sent_by"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "person", "present", "arrived_at", "left_at"]
    list_filter = ["present"]
    raw_id_fields = ["meeting", "person", "term", "stands_in_for", "recorded_by"]


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "status", "version", "approved_at", "published_at"]
    list_filter = ["status"]
    raw_id_fields = ["meeting", "approved_at_meeting", "approved_by", "updated_by"]


@admin.register(MinutesVersion)
class MinutesVersionAdmin(ReadOnlyAdmin):
    list_display = ["minutes", "number", "made_by", "made_at"]
    raw_id_fields = ["minutes", "made_by"]


@admin.register(MinutesComment)
class MinutesCommentAdmin(ReadOnlyAdmin):
    list_display = ["minutes", "author", "created_at"]
    raw_id_fields = ["minutes", "author"]


@admin.register(CaseConclusion)
class CaseConclusionAdmin(ReadOnlyAdmin):
    list_display = ["case", "minutes"]
    raw_id_fields = ["minutes", "case"]


@admin.register(Dissent)
class DissentAdmin(ReadOnlyAdmin):
    list_display = ["conclusion", "person"]
    raw_id_fields = ["conclusion", "person"]


@admin.register(Advice)
class AdviceAdmin(ReadOnlyAdmin):
    list_display = ["case", "status", "due_on", "recipient_unit", "recipient_person"]
    list_filter = ["status"]
    raw_id_fields = ["case", "recipient_unit", "recipient_person", "created_by"]


@admin.register(AdviceResponse)
class AdviceResponseAdmin(ReadOnlyAdmin):
    list_display = ["advice", "status", "responded_by", "responded_at"]
    list_filter = ["status"]
    raw_id_fields = ["advice", "responded_by"]
