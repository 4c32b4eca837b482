from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from clinics.models import ApiToken
from clinics.selectors import api_token_for, needs_second_factor
from clinics.services import token_digest


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser session, but a staff session counts only once its second factor is verified:
    a password alone must not reach the API through the session cookie."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = request._request.user
        if needs_second_factor(user) and not user.is_verified():
            return None
        return result


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>`, checked against the stored hash, expiry and revocation."""

    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key: str):
        # One statement: the token, its user and the user's active membership with its clinic.
        token = api_token_for(token_digest(key))
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Token has been revoked."))
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Token has expired."))
        # Recording use at most once a minute keeps reads from writing on every request.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
