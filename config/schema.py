from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema
from rest_framework.permissions import AllowAny

from clinics.permissions import ANONYMOUS

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A DRF validation error: field names (or non_field_errors) to lists of messages, or a list.
FIELD_ERRORS = {
    "oneOf": [
        {"type": "object", "additionalProperties": True},
        {"type": "array", "items": {"type": "string"}},
    ]
}
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _error(description: str, schema: dict, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}}


class ApiSchema(AutoSchema):
    """Names the per-operation serializers nested in a view (`TokenObtainApi.InputSerializer`)
    after their view, so every `InputSerializer` and `OutputSerializer` gets its own component.

    Declares the error answers every operation can give (the fuzz suite, tests/attacks, checks
    that each answer is documented): validation, authentication, permission, not found (object
    paths), rate limits (throttled views) and 503 while the database is unreachable."""

    def get_serializer_name(self, serializer, direction) -> str:
        qualname = serializer.__class__.__qualname__
        if "." in qualname:
            outer, inner = qualname.rsplit(".", 1)
            outer = outer.split(".")[-1].removesuffix("Api").removesuffix("View")
            return outer + inner
        return serializer.__class__.__name__

    def _error_responses(self) -> dict[str, dict]:
        errors = {
            "400": _error("The request is malformed or a value is refused.", FIELD_ERRORS),
            "503": _error("The database is unreachable; try again.", DETAIL, RETRY_AFTER),
        }
        public = any(isinstance(p, AllowAny) for p in self.view.get_permissions()) or (
            ANONYMOUS in getattr(self.view, "required_roles", ())
        )
        if not public:
            errors["401"] = _error("No valid token or verified session.", DETAIL)
            errors["403"] = _error("The signed-in person's role may not do this.", DETAIL)
        if "{" in self.path or self.method in ("POST", "PUT", "PATCH"):
            # An object named in the path or in the body that the person may not see.
            errors["404"] = _error("No such object visible to the signed-in person.", DETAIL)
        if self.method in WRITE_METHODS:
            errors["413"] = _error("The request body is too large.", DETAIL)
            errors["415"] = _error("Unsupported request content type.", DETAIL)
        if self.view.get_throttles():
            errors["429"] = _error("Too many requests.", DETAIL, RETRY_AFTER)
        for code in getattr(self.view, "json_error_statuses", ()):
            errors.setdefault(str(code), _error("Refused.", DETAIL))
        media_type = getattr(self.view, "error_media_type", None)
        if media_type:
            # Views of another standard (FHIR) refuse in its own format (an OperationOutcome).
            for response in errors.values():
                response["content"] = {media_type: {"schema": {"type": "object"}}}
        for code in getattr(self.view, "text_error_statuses", ()):
            # Protocol answers in plain text (tus), beside DRF's JSON ones for the same code.
            response = errors.setdefault(str(code), {"description": "Refused.", "content": {}})
            response["content"]["text/plain"] = {"schema": {"type": "string"}}
        return errors

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self._error_responses().items():
            responses.setdefault(code, response)
        return responses


class VerifiedSessionScheme(SessionScheme):
    """The session cookie, as for DRF's SessionAuthentication (staff sessions must be verified)."""

    target_class = "clinics.authentication.VerifiedSessionAuthentication"


def fhir_operation_paths(result, generator, request, public):
    """FHIR names operations with a `$` (`Patient/{id}/$everything`); the schema generator reads
    `$` as a regular-expression anchor and drops it, so it is put back here."""
    paths = result["paths"]
    for path in list(paths):
        if path.startswith("/fhir/") and path.endswith("/everything"):
            paths[path.removesuffix("everything") + "$everything"] = paths.pop(path)
    return result
