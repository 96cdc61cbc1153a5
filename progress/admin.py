from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from progress import services
from progress.models import Certificate, CertificateChange, ModuleProgress


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


class CertificateChangeInline(admin.TabularInline):
    model = CertificateChange
    fields = ("at", "kind", "name_before", "name_after", "reason", "by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("Kept in the certificate's log; the learner reads a revocation's reason."),
    )


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Certificates are issued by the progress rules, never typed in: staff re-issue one with the
    learner's current name, or revoke one, each with a reason (kept in its log)."""

    list_display = ("name", "path_title", "issued_at", "last_issued_at", "revoked_at", "code")
    list_filter = ("path_title",)
    search_fields = ("name", "code")
    readonly_fields = ("user", "path", "name", "path_title", "issued_at", "last_issued_at", "revoked_at", "code")
    inlines = [CertificateChangeInline]
    actions = ["reissue_action", "revoke_action"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the log and the public page keep the truth

    @admin.action(description=_("Re-issue with the learner's current name…"), permissions=["change"])
    def reissue_action(self, request, queryset):
        return self._with_reason(request, queryset, "reissue_action", _("Re-issue"), services.reissue_certificate)

    @admin.action(description=_("Revoke…"), permissions=["change"])
    def revoke_action(self, request, queryset):
        return self._with_reason(request, queryset, "revoke_action", _("Revoke"), services.revoke_certificate)

    def _with_reason(self, request, queryset, action, verb, apply):
        """A page asking for the reason first; then each certificate changed, or why it was not."""
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for certificate in queryset:
                try:
                    apply(certificate, by=request.user, reason=form.cleaned_data["reason"])
                    done += 1
                except services.CertificateRefused as refusal:
                    self.message_user(request, f"{certificate.code[:8]}…: {refusal}", messages.WARNING)
            if done:
                self.message_user(request, _("%(verb)s: %(n)d certificate(s).") % {"verb": verb, "n": done})
            return None
        return TemplateResponse(
            request,
            "admin/progress/certificate_reason.html",
            {
                **self.admin_site.each_context(request),
                "title": _("%(verb)s certificates") % {"verb": verb},
                "certificates": list(queryset),
                "form": form,
                "action": action,
                "verb": verb,
                "opts": self.model._meta,
            },
        )
