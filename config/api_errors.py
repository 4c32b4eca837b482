"""The API's exception handler: DRF's, plus a JSON 413 for a body over the size limit."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent):
        # Django would answer an HTML 400; an API client needs to know the body was too big.
        return Response(
            {"detail": "The request body is larger than the server accepts."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    return drf_exception_handler(exc, context)
