"""How django-axes names the account and the client it counts sign-in failures against."""

from django.conf import settings


def lockout_email(request, credentials: dict | None) -> str | None:
    """The email tried, lower-cased: the sign-in form calls it `username`, the API `email`."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value:
        data = getattr(request, "data", None) or request.POST
        value = data.get("email") or data.get("username")
    if not value:
        return None
    return str(value).strip().lower() or None


def lockout_client_address(request) -> str | None:
    """The socket address, or the hop a trusted proxy appended to X-Forwarded-For. The left of
    that header is whatever the client wrote, so trusting it would let anyone dodge the count."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR")
