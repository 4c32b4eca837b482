"""A service's ValidationError reaches an API client one way: DRF's 400 body, by field."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError

from clinics.api_errors import api_validation_error, field_errors
from config.api_errors import exception_handler


def test_a_field_error_keeps_its_field():
    error = api_validation_error(DjangoValidationError({"unit": "Allowed: mg/dL, mmol/L."}))
    assert error.detail == {"unit": ["Allowed: mg/dL, mmol/L."]}


def test_an_error_without_a_field_is_a_non_field_error():
    error = api_validation_error(DjangoValidationError("The order is closed."))
    assert error.detail == {"non_field_errors": ["The order is closed."]}


def test_field_errors_turns_a_service_error_into_the_api_error():
    with pytest.raises(ValidationError) as raised, field_errors():
        raise DjangoValidationError({"reason": "Say why."})
    assert raised.value.detail == {"reason": ["Say why."]}


def test_an_error_no_view_mapped_is_still_a_400_in_the_same_format():
    response = exception_handler(DjangoValidationError("Closed."), {})
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Closed."]}
