"""Authentication backends for the test settings only."""

from axes.backends import AxesStandaloneBackend


class LockoutBackendForTests(AxesStandaloneBackend):
    """django-axes as in production, except that a call without a request (Django's test
    client's `login()`) is let through to the password check instead of raising: there is no
    client address to count against. Production keeps raising, so a view that forgets to pass
    the request fails loudly there; each sign-in entry point has its own lockout test."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
