"""Security headers Django 5.2 does not set itself.

``Content-Security-Policy``: only the app's own files run or style a page. No inline script,
no ``on…=`` handler, no ``style=`` attribute works in a browser, so that text a user typed and
the app showed by mistake unescaped still could not run. The charts are inline SVG drawn with
presentation attributes (``fill``, ``stroke``), which the policy does not touch. Images may be
``data:`` URLs (small icons in the CSS).
"""

from __future__ import annotations

from django.conf import settings

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    """Adds the policy to every response that does not already carry one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code >= 400:
            # Django's technical error pages (DEBUG only) style themselves inline.
            return response
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
