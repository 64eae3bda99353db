"""Content-Security-Policy on every response.

Our own middleware rather than django-csp: the policy is one constant (no inline script or
style anywhere, so no nonces and no per-view policies), which django-csp's configuration
machinery would only wrap. Django 6.0 ships CSP support of its own
(django.middleware.csp.ContentSecurityPolicyMiddleware); moving to it on that upgrade is a
settings change.

- scripts and styles only from our own static files: no 'unsafe-inline', no 'unsafe-eval'
  (htmx is told not to inject its indicator <style> and not to eval, see base.html);
- images only from us (charts are inline SVG elements, not images);
- no plugins, no <base> from elsewhere, forms post only to us, no framing by anyone.

Beside it, a Permissions-Policy denying the browser features the panel never uses (it only
writes to the clipboard, for the copy buttons), so nothing in a page, injected or not, can ask
for the camera, a location or a payment.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADER = "Content-Security-Policy"
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "clipboard-read",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)
PERMISSIONS_HEADER = "Permissions-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(PERMISSIONS_HEADER, PERMISSIONS_POLICY)
        # Django's DEBUG error pages (404, 500) are built on inline style and script; a policy on
        # them would only hide the traceback a developer came to read.
        if settings.DEBUG and response.status_code in (404, 500):
            return response
        response.headers.setdefault(HEADER, POLICY)
        return response
