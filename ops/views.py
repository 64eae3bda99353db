from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render
from django.views import defaults


def bad_request(request, exception):
    """Django's answer to a bad request, except a body too large to read: a page in the panel's
    layout that says so (413). Nothing of the form was read, so it cannot be shown again."""
    if isinstance(exception, RequestDataTooBig):
        context = {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        return render(request, "ops/too_big.html", context, status=413)
    return defaults.bad_request(request, exception)
