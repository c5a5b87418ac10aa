from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """A user holding a one-time password from the office must choose their own first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None)
            allowed = (
                reverse("password_change"),
                reverse("password_change_done"),
                reverse("logout"),
            )
            if profile is not None and profile.must_change_password and request.path not in allowed:
                return redirect("password_change")
        return self.get_response(request)
