from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cohorts.forms import JoinForm
from cohorts.models import Cohort, Membership


@login_required
@require_GET
def cohort_list(request: HttpRequest) -> HttpResponse:
    cohorts = list(Cohort.objects.led_by(request.user).select_related("path").order_by("-start_date", "name"))
    return render(request, "cohorts/list.html", {"nav": "cohorts", "cohorts": cohorts})


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    form = JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort = Cohort.objects.filter(invite_code=form.cleaned_data["code"]).first()
        if cohort is None or not cohort.invite_active:
            form.add_error("code", _("That invite code is not valid. Check it with your cohort lead."))
        elif cohort.has_ended():
            form.add_error(
                "code", _("The cohort “%(name)s” has ended; it no longer takes new members.") % {"name": cohort.name}
            )
        else:
            try:
                with transaction.atomic():
                    _membership, created = Membership.objects.get_or_create(cohort=cohort, user=request.user)
            except IntegrityError:  # joined by a concurrent request
                created = False
            if created:
                messages.success(
                    request, _("You joined “%(name)s”. Its leads can now see your progress.") % {"name": cohort.name}
                )
            else:
                messages.info(request, _("You are already in “%(name)s”.") % {"name": cohort.name})
            return redirect("accounts:account")
    return render(request, "cohorts/join.html", {"form": form})


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_object_or_404(Membership.objects.select_related("cohort"), cohort__slug=slug, user=request.user)
    membership.delete()
    messages.success(request, _("You left “%(name)s”.") % {"name": membership.cohort.name})
    return redirect("accounts:account")
