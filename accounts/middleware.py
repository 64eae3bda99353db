from django.utils import timezone

from accounts import zones


class MemberTimeZoneMiddleware:
    """Pages and forms in the member's time zone (accounts.zones); the panel's for anyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = zones.of(getattr(request, "user", None))
        if chosen is None:
            timezone.deactivate()
        else:
            timezone.activate(chosen)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
