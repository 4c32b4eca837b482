"""The API's exception handler: DRF's, plus a JSON 413 for a body over the size limit, and a
service's ValidationError as a 400 naming the field (any endpoint, even one that forgot to map
it)."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from clinics.api_errors import api_validation_error


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        # Django would answer an HTML 400; an API client needs to know the body was too big.
        return Response(
            {"detail": "The request body is larger than the server accepts."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, ValidationError):
        exc = api_validation_error(exc)
    return drf_exception_handler(exc, context)
