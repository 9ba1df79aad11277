from django.contrib import admin

from guide.models import Domain, Guide, Item, Practice, PracticeResource, Theme


@admin.register(Guide)
class GuideAdmin(admin.ModelAdmin):
    list_display = ["title", "edition", "network", "status", "previous"]
    list_filter = ["status", "network"]
    search_fields = ["title"]
    list_select_related = ["network", "previous"]
    raw_id_fields = ["previous", "created_by"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "guide", "is_official", "is_archived"]
    list_filter = ["guide", "is_archived"]
    search_fields = ["code", "title"]
    list_select_related = ["guide"]
    raw_id_fields = ["previous"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "theme", "guide", "is_official", "is_archived"]
    list_filter = ["guide", "is_archived"]
    search_fields = ["code", "title"]
    list_select_related = ["guide", "theme"]
    raw_id_fields = ["previous", "theme"]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ["code", "text", "kind", "unit", "guide", "is_official", "is_archived"]
    list_filter = ["guide", "kind", "is_official", "is_archived"]
    search_fields = ["code", "text"]
    list_select_related = ["guide"]
    raw_id_fields = ["previous", "domain"]


class PracticeResourceInline(admin.TabularInline):
    model = PracticeResource
    extra = 0


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "network", "structure", "visibility"]
    list_filter = ["status", "visibility", "network"]
    search_fields = ["title", "description"]
    list_select_related = ["network", "structure"]
    filter_horizontal = ["themes", "domains"]
    raw_id_fields = ["structure", "created_by"]
    inlines = [PracticeResourceInline]
