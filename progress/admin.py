from django.contrib import admin

from progress.models import Certificate, ModuleProgress


@admin.register(ModuleProgress)
class ModuleProgressAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "module",
        "lessons_completed",
        "attempts",
        "best_percent",
        "quiz_passed",
        "completed_at",
        "last_activity_at",
    )
    list_filter = ("module", "quiz_passed")
    list_select_related = ("user", "module")
    search_fields = ("user__username", "user__email")
    readonly_fields = [f.name for f in ModuleProgress._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ("name", "path_title", "issued_at", "code")
    search_fields = ("name", "code")
    readonly_fields = ("user", "path", "name", "path_title", "issued_at", "code")

    def has_add_permission(self, request):
        return False
