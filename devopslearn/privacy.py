"""A learner's own data: download it all as JSON, or delete the account.

The data comes from every app's contribution, collected by accounts.personal_data; this module
knows no app but the account form.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts import personal_data
from accounts.forms import DeleteAccountForm


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    data = personal_data.export_data(request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    # RFC 6266: a name outside ASCII (đức) goes in filename*=utf-8''..., percent-encoded.
    response["Content-Disposition"] = content_disposition_header(True, f"devopslearn-{request.user.username}.json")
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        personal_data.delete_account(user)
        messages.success(request, _("Your account was deleted."))
        return redirect("courses:home")
    return render(request, "accounts/delete.html", {"form": form})
