from django.http import HttpRequest, HttpResponse

from ops.health import health

HEALTH_PATH = "/health/"


class HealthMiddleware:
    """Answers /health/ before host validation, sessions and sign-in.

    Load balancers and container healthchecks probe by IP address (a Host that ALLOWED_HOSTS
    rightly refuses) and without a session; the answer does not depend on either. It sits below
    SecurityMiddleware and the CSP middleware, so the answer still carries their headers.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == HEALTH_PATH:
            return health(request)
        return self.get_response(request)
