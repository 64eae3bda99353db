"""Sign-in by username and password, and the member loaded once per request with what every
page asks of them: their role and their Plcloud connection."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class MemberBackend(ModelBackend):
    def get_user(self, user_id):
        # One query instead of three: the role check and the page's connection state read these
        # on every page (a member without either reads as such, without another query).
        users = get_user_model()._default_manager.select_related("membership", "plcloud")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
