"""The one mapping from a service's Django `ValidationError` to the API's 400.

Services raise Django's `ValidationError` (keyed by field when they can say which); the API
answers in DRF's format: field names, or `non_field_errors`, to lists of messages. Views wrap a
service call in `field_errors()`; the project's exception handler (config/api_errors.py) maps any
that escapes the same way, so an endpoint that forgot is still a 400, never a 500.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError


def api_validation_error(error: DjangoValidationError) -> ValidationError:
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


@contextmanager
def field_errors() -> Iterator[None]:
    """A service's ValidationError becomes a 400 that names the field."""
    try:
        yield
    except DjangoValidationError as error:
        raise api_validation_error(error) from error
