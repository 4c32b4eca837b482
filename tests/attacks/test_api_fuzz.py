"""Property-based fuzzing of the REST API against its own OpenAPI schema (schemathesis).

Every operation of `/api/schema/` is called with generated data as a clinic administrator and as a
caregiver, with real ids of a seeded clinic in the path so requests get past the 404s. Each answer
must be a documented status code with a body that matches the schema, and never a 5xx.

`make test` runs FUZZ_EXAMPLES (default 4) examples per operation and role with a fixed seed;
`make fuzz` runs more with fresh randomness and schemathesis's coverage phase.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from clinics.services import api_token_issue
from tests.attacks.tally import TRIED
from tests.attacks.world import clinic_with_every_object, rate_limits_out_of_the_way
from tests.factories import caregiver_of

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()
# The coverage phase (every boundary value of every field) is for `make fuzz`: it multiplies the
# requests per operation beyond max_examples.
schema.config.phases.coverage.enabled = os.environ.get("FUZZ_COVERAGE") == "1"

# What the API promises: no server error, and every answer documented, in the documented type,
# with the documented body and headers. (Refusals of missing and foreign credentials are the
# cross-tenant suite's job; business rules no schema can state make "valid data accepted" moot.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@pytest.fixture(params=["clinic_admin", "caregiver"])
def fuzzer(request, db):
    world = clinic_with_every_object()
    user = world.staff_user if request.param == "clinic_admin" else caregiver_of(world.infant)
    ids = {name: str(value) for name, value in world.created.items()}
    # As Django's test client does: a request's end must not close the test's connection (it
    # would on PostgreSQL, inside the test transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with rate_limits_out_of_the_way():
            yield user, ids
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented_and_never_5xx(case, fuzzer):
    user, ids = fuzzer
    for name in list(case.path_parameters or {}):
        if name in ids:
            case.path_parameters[name] = ids[name]
    _, raw_key = api_token_issue(user=user)
    response = case.call(headers={"Authorization": f"Token {raw_key}"})
    TRIED["fuzz requests"] += 1
    TRIED["fuzz 5xx"] += response.status_code >= 500
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
    case.validate_response(response, checks=CHECKS)
