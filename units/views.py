"""The office's liaison accounts: create, hand over a one-time password, reset, switch off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods, require_POST
from django_tables2 import SingleTableMixin

from units import services, throttle
from units.access import get_actor, office_required
from units.forms import LiaisonForm
from units.models import LIAISON, Profile, Unit
from units.tables import LiaisonTable


def _liaisons(actor):
    return (
        get_user_model()
        .objects.filter(groups__name=LIAISON)
        .filter(actor.jurisdiction_filter("profile__jurisdiction__"))
        .select_related("profile__unit")
        .order_by("profile__unit__order", "username")
    )


def _units(actor):
    return Unit.objects.active().filter(actor.jurisdiction_filter("jurisdiction__"))


@method_decorator([login_required, office_required], name="dispatch")
class AccountListView(SingleTableMixin, auth_views.TemplateView):
    table_class = LiaisonTable
    template_name = "units/account_list.html"
    table_pagination = {"per_page": 50}

    def get_table_data(self):
        return _liaisons(get_actor(self.request.user))


account_list = AccountListView.as_view()


@login_required
@office_required
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request.user)
    form = LiaisonForm(request.POST or None, units=_units(actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user, password = services.create_liaison(
            username=data["username"],
            full_name=data["full_name"],
            unit=data["unit"],
            phone=data["phone"],
        )
        return render(
            request,
            "units/account_password.html",
            {"account": user, "password": password, "created": True},
        )
    return render(request, "units/account_form.html", {"form": form})


@login_required
@office_required
@require_POST
def account_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(_liaisons(get_actor(request.user)), pk=pk)
    password = services.reset_password(user=user)
    return render(request, "units/account_password.html", {"account": user, "password": password})


@login_required
@office_required
@require_POST
def account_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(_liaisons(get_actor(request.user)), pk=pk)
    services.set_active(user=user, active=not user.is_active)
    state = "启用" if user.is_active else "停用"
    messages.success(request, f"已{state}账号 {user.username}。")
    return redirect("account_list")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, plus: choosing one's own password ends the one-time password."""

    def form_valid(self, form):
        response = super().form_valid(form)
        Profile.objects.filter(user=self.request.user).update(must_change_password=False)
        update_session_auth_hash(self.request, form.user)
        return response


class LoginView(auth_views.LoginView):
    """Django's, refusing with a Chinese message (HTTP 429) while the username or the address
    is locked after repeated failures (units/throttle.py)."""

    def post(self, request, *args, **kwargs):
        wait = throttle.locked_for(request, request.POST.get("username", ""))
        if wait:
            # An unbound form: validating it would try the password.
            initial = {"username": request.POST.get("username", "")[:150]}
            form = self.get_form_class()(request, initial=initial)
            context = self.get_context_data(form=form, throttled=throttle.wait_message(wait))
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)
