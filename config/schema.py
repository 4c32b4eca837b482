from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema


class ApiSchema(AutoSchema):
    """Names the per-operation serializers nested in a view (`TokenObtainApi.InputSerializer`)
    after their view, so every `InputSerializer` and `OutputSerializer` gets its own component."""

    def get_serializer_name(self, serializer, direction) -> str:
        qualname = serializer.__class__.__qualname__
        if "." in qualname:
            outer, inner = qualname.rsplit(".", 1)
            outer = outer.split(".")[-1].removesuffix("Api").removesuffix("View")
            return outer + inner
        return serializer.__class__.__name__


class VerifiedSessionScheme(SessionScheme):
    """The session cookie, as for DRF's SessionAuthentication (staff sessions must be verified)."""

    target_class = "clinics.authentication.VerifiedSessionAuthentication"
