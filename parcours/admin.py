from django.contrib import admin

from parcours.models import (
    Attendance,
    CalendarFeed,
    Enrolment,
    Feedback,
    MeetingNote,
    Parcours,
    Resource,
    Session,
    SessionPlace,
    Testimonial,
)


class SessionInline(admin.TabularInline):
    model = Session
    extra = 0
    fields = ["number", "kind", "title", "starts_at", "ends_at", "status", "structure"]
    raw_id_fields = ["structure"]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    raw_id_fields = ["structure", "pilot", "copilot"]


@admin.register(Parcours)
class ParcoursAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "kind", "status", "starts_on", "ends_on"]
    list_filter = ["kind", "status", "network"]
    search_fields = ["title", "topic"]
    raw_id_fields = ["facilitators", "themes", "created_by"]
    inlines = [SessionInline, EnrolmentInline]


class SessionPlaceInline(admin.TabularInline):
    model = SessionPlace
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "parcours", "kind", "starts_at", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "parcours__title"]
    raw_id_fields = ["parcours", "structure"]
    inlines = [SessionPlaceInline]


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["session", "person", "status"]
    list_filter = ["status"]
    raw_id_fields = ["session", "person", "structure", "place", "recorded_by"]


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["session", "rating", "created_at"]
    raw_id_fields = ["session", "person"]


@admin.register(Testimonial)
class TestimonialAdmin(admin.ModelAdmin):
    list_display = ["parcours", "person", "is_published", "consent_at"]
    raw_id_fields = ["parcours", "person", "structure"]


admin.site.register(Resource)
admin.site.register(MeetingNote)
admin.site.register(CalendarFeed)
