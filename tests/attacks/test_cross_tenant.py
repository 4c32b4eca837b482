"""Cross-tenant attacks on every URL pattern of the project (read from the URL conf with the
isolation test's walker and object registry, so a new endpoint is attacked without editing this
file).

The attacked clinic holds one object of every kind. The attackers: each role of another clinic
(clinic_admin, pediatrician, nurse), a caregiver of another family, a caregiver of the attacked
infant whose guardianship was revoked after they signed in and got a token, and anonymous.
Each attacker tries every method on every object URL with the attacked clinic's ids, and with
random ids (guessing), through the session and, on the API, through a token; and GETs and POSTs
(with the attacked ids in the body) every URL without object kwargs.

Refused means: anonymous gets 401 (API) or a redirect to sign-in (pages); the others get 404 or
405, or 403 only where the answer for a random id is the same (a role check that does not depend
on the object). Lists and pages never show the attacked ids; the attacked clinic's rows are
unchanged; and each 403/404 on an object URL is in the audit trail as `denied`.
"""

import uuid

import pytest
from django.test import Client
from rest_framework.test import APIClient

from clinics.models import AuditAction, AuditEvent, Role
from clinics.services import api_token_issue
from patients.models import Guardianship
from patients.services import guardianship_revoke
from tests.attacks.tally import TRIED
from tests.attacks.world import clinic_with_every_object, rate_limits_out_of_the_way
from tests.factories import InfantFactory, caregiver_of, sign_in_verified, staff
from tests.test_isolation import METHODS, _fill, project_routes

ATTACKERS = ["clinic_admin", "pediatrician", "nurse", "caregiver", "revoked_caregiver", "anonymous"]
# Pages and endpoints anyone may open signed out (sign-in flow, health, API description).
PUBLIC = {
    "healthz",
    "api:root",
    "api:auth-token",
    "api-schema",
    "api-docs",
    "login",
    "logout",
    "otp-verify",
    "otp-setup",
    "home",
    "/admin/login/",
    "/admin/password_change/",
}
# For the scraper only (a bearer token or its network, config.metrics): a 404 to everyone else.
MACHINE_ONLY = {"metrics"}
# Posting to these would sign the attacker out or revoke their own tokens, ending the attack.
NOT_POSTED = PUBLIC | {"account-security", "api:auth-token-revoke"}
# A guessed id is tried with a read and a write; the attacked ids with every method.
GUESS_METHODS = ("get", "post")


def _attacker(kind: str, attacked):
    home = InfantFactory(mrn="ATTACKER-HOME-MRN")
    if kind in ("clinic_admin", "pediatrician", "nurse"):
        return staff(Role(kind), home.clinic)
    if kind == "caregiver":
        return caregiver_of(home)
    if kind == "revoked_caregiver":
        return caregiver_of(attacked.infant)
    return None


def _clients(user, attacked) -> list[tuple[str, object]]:
    """(channel, client) pairs: the web session, and for the API also a token."""
    if user is None:
        return [("session", Client()), ("token", APIClient())]
    session = sign_in_verified(Client(), user)
    _, raw_key = api_token_issue(user=user)
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {raw_key}")
    if attacked.infant.guardianships.filter(caregiver=user).exists():
        # Revoked after the session and the token were issued: both must stop working for it.
        guardianship_revoke(
            guardianship=Guardianship.objects.get(infant=attacked.infant, caregiver=user),
            revoked_by=attacked.staff_user,
        )
    return [("session", session), ("token", token)]


def _fingerprint(attacked) -> dict[str, object]:
    """Everything hanging off the attacked infant, by relation, and its last change."""
    infant = type(attacked.infant).objects.get(pk=attacked.infant.pk)
    counts = {"updated_at": infant.updated_at}
    for relation in infant._meta.related_objects:
        if relation.one_to_many or relation.one_to_one:
            model = relation.related_model
            counts[relation.name] = model.objects.filter(**{relation.field.name: infant}).count()
    return counts


def _body(attacked) -> dict[str, str]:
    """A write naming the attacked objects under every field name a write might take."""
    ids = {name: str(value) for name, value in attacked.created.items()}
    return {
        "infant": ids["infant_id"],
        "episode": ids["episode_uuid"],
        "assessment": ids["assessment_uuid"],
        "order": ids["order_uuid"],
        "referral": ids["referral_uuid"],
        "slot": ids["slot_uuid"],
        "started_at": "2026-01-01T10:00:00Z",
        "test": "eeg",
        "reason": "attack",
        "urgency": "routine",
    }


def _send(client, method: str, url: str, data=None):
    kwargs = {"HTTP_TUS_RESUMABLE": "1.0.0"}
    if data is not None and isinstance(client, APIClient):
        kwargs["format"] = "json"
    return getattr(client, method)(url, data, **kwargs)


@pytest.fixture
def attacked(db):
    with rate_limits_out_of_the_way():
        yield clinic_with_every_object()


@pytest.mark.parametrize("kind", ATTACKERS)
def test_every_attacker_is_refused_everywhere_and_audited(kind, attacked):
    user = _attacker(kind, attacked)
    clients = _clients(user, attacked)
    before = _fingerprint(attacked)
    foreign = {str(value) for value in attacked.created.values()} | {attacked.infant.mrn}
    denied_expected, tried, problems = 0, 0, []
    for route in project_routes():
        api = route.template.startswith(("/api/", "/fhir/"))
        for channel, client in clients:
            if channel == "token" and not api:
                continue
            if route.kwargs:
                real = _fill(route.template, {k: attacked.created[k] for k in route.kwargs})
                guess = _fill(route.template, {k: uuid.uuid4() for k in route.kwargs})
                for method in METHODS:
                    answer = _send(client, method, real).status_code
                    guessed = (
                        _send(client, method, guess).status_code
                        if method in GUESS_METHODS
                        else answer
                    )
                    tried += 1 + (method in GUESS_METHODS)
                    refused = _refused(user, api, answer, guessed, route.name)
                    if not refused:
                        problems.append((channel, method, route.name, answer, guessed))
                    if user is not None:
                        denied_expected += answer in (403, 404)
                        denied_expected += method in GUESS_METHODS and guessed in (403, 404)
            else:
                for method, data in (("get", None), ("post", _body(attacked))):
                    if method == "post" and user is not None and route.name in NOT_POSTED:
                        continue
                    response = _send(client, method, route.template, data)
                    tried += 1
                    body = response.content.decode(errors="replace")
                    leaked = [value for value in foreign if value in body]
                    if leaked or response.status_code >= 500:
                        problems.append((channel, method, route.name, response.status_code, leaked))
                    anonymous_got_in = (
                        user is None
                        and route.name not in PUBLIC
                        and not (route.name in MACHINE_ONLY and response.status_code == 404)
                        and not _anonymous_refused(api, response.status_code)
                    )
                    if anonymous_got_in:
                        problems.append((channel, method, route.name, response.status_code))
    TRIED["cross-tenant requests"] += tried
    assert not problems, problems
    assert _fingerprint(attacked) == before, "the attacked clinic's records changed"
    if user is not None:
        denied = AuditEvent.objects.filter(actor=user, action=AuditAction.DENIED).count()
        assert denied == denied_expected, (denied, denied_expected)
        TRIED["denied audit rows"] += denied


def _anonymous_refused(api: bool, status: int) -> bool:
    return status in ((401, 405) if api else (302, 405))


def _refused(user, api: bool, answer: int, guessed: int, name: str) -> bool:
    if user is None:
        return _anonymous_refused(api, answer) and _anonymous_refused(api, guessed)
    if answer in (404, 405):
        return True
    # A role check before the lookup answers the same for any id: it reveals nothing.
    return answer == 403 and guessed == 403
