from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from courses.changes import ContentChangesAdmin
from courses.models import LearningPath, Lesson, Module
from devopslearn.lib.admin import SafeIdFieldsMixin
from devopslearn.lib.numbers import FORMFIELD_OVERRIDES
from devopslearn.lib.translated import SearchEveryLanguage


class ModuleForm(forms.ModelForm):
    class Meta:
        model = Module
        fields = (
            "path",
            "title",
            "slug",
            "summary",
            "order",
            "estimated_minutes",
            "objectives",
            "prerequisites",
            "published",
        )

    def clean(self):
        cleaned = super().clean()
        prerequisites = cleaned.get("prerequisites")
        path = cleaned.get("path")
        if prerequisites is not None and path is not None:
            probe = self.instance
            probe.path = path
            try:
                probe.check_prerequisites(prerequisites)
            except ValidationError as error:
                self.add_error("prerequisites", error)
        return cleaned


class LessonInline(TranslationTabularInline):
    model = Lesson
    fields = ("order", "title", "slug", "estimated_minutes", "published")
    extra = 0
    show_change_link = True
    ordering = ("order",)
    formfield_overrides = FORMFIELD_OVERRIDES  # numbers read as the page's language writes them


@admin.register(LearningPath)
class LearningPathAdmin(SearchEveryLanguage, ContentChangesAdmin, TranslationAdmin):
    list_display = ("title", "slug", "updated_at")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}


@admin.register(Module)
class ModuleAdmin(SearchEveryLanguage, ContentChangesAdmin, SafeIdFieldsMixin, TranslationAdmin):
    form = ModuleForm
    list_display = ("title", "path", "order", "published", "estimated_minutes", "updated_at")
    list_filter = ("path", "published")
    list_editable = ("order", "published")
    list_select_related = ("path",)
    search_fields = ("title", "slug", "summary")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("prerequisites",)
    inlines = [LessonInline]
    ordering = ("path", "order")
    formfield_overrides = FORMFIELD_OVERRIDES


@admin.register(Lesson)
class LessonAdmin(SearchEveryLanguage, ContentChangesAdmin, TranslationAdmin):
    list_display = ("title", "module", "order", "published", "reviewed", "estimated_minutes", "updated_at")
    list_filter = ("module__path", "module", "published", "beyond_workshop")
    list_select_related = ("module",)
    search_fields = ("title", "slug", "body_md")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("rendered_preview",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "module",
                    "title",
                    "slug",
                    "key",
                    "order",
                    "estimated_minutes",
                    "published",
                    "reviewed",
                    "beyond_workshop",
                )
            },
        ),
        (_("Content"), {"fields": ("body_md", "takeaways", "sources")}),
        (_("Preview (rendered when you save)"), {"fields": ("rendered_preview",)}),
    )
    ordering = ("module__order", "order")
    formfield_overrides = FORMFIELD_OVERRIDES

    def get_readonly_fields(self, request, obj=None):
        # The key ties a lesson to its file; changed here, the next load_content would not find it.
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "key") if obj is not None else fields

    @admin.display(description=_("Rendered HTML"))
    def rendered_preview(self, obj):
        if not obj.pk:
            return _("Save to see the rendered lesson.")
        return format_html(
            '<div class="prose">{}</div><p><a href="{}" target="_blank" rel="noopener">{}</a></p>',
            obj.body_html_safe(),
            obj.get_absolute_url(),
            _("Open the lesson as learners see it"),
        )
