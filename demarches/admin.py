from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from demarches.models import (
    Action,
    Answer,
    Cycle,
    Evidence,
    Milestone,
    Presentation,
    StepMark,
    ThemeChoice,
)


class ThemeChoiceInline(admin.TabularInline):
    model = ThemeChoice
    extra = 0
    raw_id_fields = ["theme"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class PresentationInline(admin.TabularInline):
    model = Presentation
    extra = 0
    raw_id_fields = ["created_by"]


class StepMarkInline(admin.TabularInline):
    model = StepMark
    extra = 0
    raw_id_fields = ["marked_by"]


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["structure", "year", "guide", "ag_on"]
    list_filter = ["year"]
    search_fields = ["structure__name"]
    raw_id_fields = ["structure", "previous", "created_by"]
    inlines = [ThemeChoiceInline, MilestoneInline, PresentationInline, StepMarkInline]


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    raw_id_fields = ["uploaded_by"]


@admin.register(Answer)
class AnswerAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "cycle", "assessment", "assignee", "updated_at"]
    list_filter = ["assessment", "cycle__year"]
    search_fields = ["cycle__structure__name", "item__text", "own_text"]
    raw_id_fields = ["cycle", "item", "domain", "previous", "assignee", "updated_by"]
    inlines = [EvidenceInline]


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "cycle", "status", "due_on", "is_quick_win"]
    list_filter = ["status", "is_quick_win", "cycle__year"]
    search_fields = ["title", "cycle__structure__name"]
    raw_id_fields = ["cycle", "owner", "updated_by", "answers"]
