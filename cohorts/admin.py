from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import identity_key
from cohorts.models import Cohort, Membership
from devopslearn.lib.admin import SafeIdFieldsMixin

User = get_user_model()


class BulkAddForm(forms.Form):
    people = forms.CharField(
        label=_("Usernames or e-mail addresses"),
        widget=forms.Textarea(attrs={"rows": 10, "cols": 60}),
        help_text=_("One a line. Nobody is added unless every line matches an account."),
    )

    def clean_people(self):
        lines = [line.strip() for line in self.cleaned_data["people"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError(_("Paste at least one username or e-mail address."))
        if len(lines) > 2000:
            raise forms.ValidationError(_("Add at most 2,000 people at a time."))
        keys = sorted({identity_key(line) for line in lines})  # any spelling of a name or address
        # Two IN lists, not one OR term a line: SQLite refuses expression trees past about 500 terms.
        found = list(User.objects.filter(Q(username_key__in=keys) | Q(email_key__in=keys)))
        by_key = {}
        for user in found:
            by_key[user.username_key] = user
            if user.email_key:
                by_key[user.email_key] = user
        unknown = [line for line in lines if identity_key(line) not in by_key]
        if unknown:
            raise forms.ValidationError(
                ngettext(
                    "No account matches %(names)s. Nobody was added.",
                    "No accounts match these lines: %(names)s. Nobody was added.",
                    len(unknown),
                )
                % {"names": ", ".join(unknown[:50]) + (" …" if len(unknown) > 50 else "")}
            )
        return list({by_key[identity_key(line)].pk: by_key[identity_key(line)] for line in lines}.values())


class MembershipInline(SafeIdFieldsMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "joined_at")


@admin.register(Cohort)
class CohortAdmin(SafeIdFieldsMixin, admin.ModelAdmin):
    list_display = ("name", "path", "start_date", "end_date", "member_count", "dashboard_link")
    list_filter = ("path",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("leads",)
    inlines = [MembershipInline]
    readonly_fields = ("bulk_add_link",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "path", "start_date", "end_date", "leads")}),
        (_("Invitations"), {"fields": ("invite_code", "invite_active", "bulk_add_link")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("path").annotate(members_n=Count("memberships"))

    @admin.display(description=_("members"), ordering="members_n")
    def member_count(self, obj):
        return obj.members_n

    @admin.display(description=_("dashboard"))
    def dashboard_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), _("Open"))

    @admin.display(description=_("Add members"))
    def bulk_add_link(self, obj):
        if not obj.pk:
            return _("Save the cohort first.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:cohorts_cohort_bulk_add", args=[obj.pk]),
            _("Add members in bulk (paste usernames or e-mails)"),
        )

    def get_urls(self):
        return [
            path("<int:pk>/bulk-add/", self.admin_site.admin_view(self.bulk_add_view), name="cohorts_cohort_bulk_add"),
            *super().get_urls(),
        ]

    def bulk_add_view(self, request, pk):
        cohort = get_object_or_404(Cohort, pk=pk)
        if not self.has_change_permission(request, cohort):
            raise PermissionDenied
        form = BulkAddForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            people = form.cleaned_data["people"]
            with transaction.atomic():
                existing = set(Membership.objects.filter(cohort=cohort).values_list("user_id", flat=True))
                new = [Membership(cohort=cohort, user=user) for user in people if user.pk not in existing]
                Membership.objects.bulk_create(new, ignore_conflicts=True)
            self.message_user(
                request,
                ngettext(
                    "Added %(n)d member (%(already)d already in the cohort).",
                    "Added %(n)d members (%(already)d already in the cohort).",
                    len(new),
                )
                % {"n": len(new), "already": len(people) - len(new)},
                messages.SUCCESS,
            )
            return redirect("admin:cohorts_cohort_change", cohort.pk)
        return TemplateResponse(
            request,
            "admin/cohorts/bulk_add.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Add members to “%(name)s”") % {"name": cohort.name},
                "cohort": cohort,
                "form": form,
                "opts": self.model._meta,
            },
        )
