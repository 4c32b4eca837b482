"""Guard: every write endpoint of the parent portal is rate limited (docs/security.md)."""

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from clinics.apis import TokenObtainApi
from clinics.throttles import AuthThrottle, CaregiverWriteThrottle, UploadThrottle

# The portal's API lives in these apps (docs/DESIGN.md).
PORTAL_APPS = ("episodes", "patients")
# APIView handlers, and the actions of viewsets.
WRITE_METHODS = ("post", "put", "patch", "delete", "create", "update", "partial_update", "destroy")


def api_views(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from api_views(pattern)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "view_class", None) or getattr(
                pattern.callback, "cls", None
            )
            if isinstance(view, type) and issubclass(view, APIView):
                yield view


def test_portal_write_apis_set_a_caregiver_throttle():
    views = set(api_views())
    assert TokenObtainApi in views, "the walk finds the API's views"
    assert AuthThrottle in TokenObtainApi.throttle_classes
    unthrottled = [
        f"{view.__module__}.{view.__name__}"
        for view in views
        if view.__module__.split(".")[0] in PORTAL_APPS
        and any(hasattr(view, method) for method in WRITE_METHODS)
        and not {CaregiverWriteThrottle, UploadThrottle} & set(view.throttle_classes)
    ]
    assert not unthrottled, f"portal write APIs without throttle_classes: {unthrottled}"
