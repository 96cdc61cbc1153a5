from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminUserChangeForm, AdminUserCreationForm
from accounts.models import User, identity_key
from devopslearn.lib.admin import SafeIdFieldsMixin


class SharedIdentityFilter(admin.SimpleListFilter):
    """Accounts that already shared a name or address with an older account when names became
    case- and accent-insensitive (migration 0002_identity_keys): rename or merge them."""

    title = _("shared name or address")
    parameter_name = "shared"

    def lookups(self, request, model_admin):
        return [("yes", _("Shares a name or address with another account"))]

    def queryset(self, request, queryset):
        return queryset.with_shared_identity() if self.value() == "yes" else queryset


@admin.register(User)
class UserAdmin(SafeIdFieldsMixin, BaseUserAdmin):
    """Instructors may look people up (to manage cohorts); only superusers change passwords or roles."""

    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    list_display = ("username", "display_name", "email", "is_staff", "date_joined", "last_login")
    list_filter = (SharedIdentityFilter, *BaseUserAdmin.list_filter)
    search_fields = ("username", "display_name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Profile"), {"fields": ("display_name", "email", "pending_email", "time_zone")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "display_name", "password1", "password2")}),
    )

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ("last_login", "date_joined", "pending_email")
        # Staff who are not superusers may read, never grant roles or touch credentials.
        return (
            "password",
            "pending_email",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
            "last_login",
            "date_joined",
        )

    def get_search_results(self, request, queryset, search_term):
        """Also find a name or address by any spelling (SQLite folds only ASCII letters' case)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            key = identity_key(term)
            results |= queryset.filter(username_key__contains=key) | queryset.filter(email_key__contains=key)
        return results, may_have_duplicates

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SafeIdFieldsMixin, BaseGroupAdmin):
    """Django's, with a permission id beyond 64 bits answered by a form error (devopslearn.lib.admin)."""
