"""Every HTML form of the product, and every page of the Django admin, attacked like the rest.

The forms are found, not listed: the attacked clinic's admin and a caregiver of the attacked
infant GET every page of the URL conf (object pages with the attacked clinic's ids), and each
`<form method="post">` on those pages is collected with the fields it would send (hidden ids
included). Then each attacker of `test_cross_tenant.py` posts every one of those forms, with those
fields. A form whose action names an object must be refused (403, 404 or 405; anonymous: to
sign-in); a form without object ids may act only on the attacker's own clinic or family. No
answer is a 5xx, and the attacked clinic's records are unchanged.
"""

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import resolve

from clinics.models import Membership, StaffInvitation
from patients.models import Guardianship
from tests.attacks.tally import TRIED
from tests.attacks.test_cross_tenant import (
    ATTACKERS,
    NOT_POSTED,
    _anonymous_refused,
    _attacker,
    _clients,
    _fingerprint,
)
from tests.attacks.world import clinic_with_every_object, rate_limits_out_of_the_way
from tests.factories import sign_in_verified
from tests.test_isolation import METHODS, _fill, admin_urls, project_routes

# Forms anyone may post (the sign-in flow, invitation links) or that act on the poster's own
# account; posting them proves nothing about the attacked clinic.
OWN_OR_PUBLIC = NOT_POSTED | {
    "patients:invitation-accept",
    "staff-invitation-accept",
    "notifications",
}


@dataclass(frozen=True)
class Form:
    page: str
    action: str
    fields: tuple[tuple[str, str], ...]

    @property
    def view_name(self) -> str:
        return resolve(urlsplit(self.action).path).view_name

    @property
    def names_an_object(self) -> bool:
        return bool(resolve(urlsplit(self.action).path).kwargs)


class _FormParser(HTMLParser):
    def __init__(self, page: str):
        super().__init__()
        self.page, self.forms, self._current, self._select = page, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            action = urljoin(self.page, attrs.get("action") or self.page)
            self._current = {"action": action, "fields": []}
        elif self._current is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._current["fields"].append((attrs["name"], attrs.get("value") or "x"))
        elif tag == "textarea" and attrs.get("name"):
            self._current["fields"].append((attrs["name"], "attack"))
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
        elif tag == "option" and self._select and attrs.get("value"):
            self._current["fields"].append((self._select, attrs["value"]))
            self._select = None

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if tag == "form" and self._current is not None:
            fields = tuple(f for f in self._current["fields"] if f[0] != "csrfmiddlewaretoken")
            self.forms.append(Form(self.page, self._current["action"], fields))
            self._current = None


def forms_on_every_page(world, victims) -> set[Form]:
    found: set[Form] = set()
    for route in project_routes():
        if route.template.startswith(("/api/", "/fhir/")):
            continue
        if route.kwargs and any(k not in world.created for k in route.kwargs):
            continue
        url = _fill(route.template, {k: world.created[k] for k in route.kwargs})
        for client in victims:
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = _FormParser(url)
            parser.feed(response.content.decode(errors="replace"))
            found.update(
                form
                for form in parser.forms
                if urlsplit(form.action).netloc in ("", "testserver")
                and form.view_name not in OWN_OR_PUBLIC
            )
    return found


def _clinic_fingerprint(world) -> dict[str, object]:
    return {
        **_fingerprint(world),
        "memberships": list(
            Membership.objects.filter(clinic=world.clinic).values_list("role", "is_active")
        ),
        "staff_invitations": list(
            StaffInvitation.objects.filter(clinic=world.clinic).values_list("revoked_at")
        ),
    }


@pytest.fixture
def attacked(db):
    with rate_limits_out_of_the_way():
        yield clinic_with_every_object(mrn="FORMS-ATTACKED-MRN")


def _victims(world) -> list[Client]:
    caregiver = Guardianship.objects.get(uuid=world.created["guardianship_id"]).caregiver
    return [sign_in_verified(Client(), world.staff_user), sign_in_verified(Client(), caregiver)]


@pytest.mark.parametrize("kind", ATTACKERS)
def test_every_attacker_is_refused_on_every_html_form_action(kind, attacked):
    forms = forms_on_every_page(attacked, _victims(attacked))
    assert len({form.view_name for form in forms}) >= 20, sorted(f.view_name for f in forms)
    user = _attacker(kind, attacked)
    (_, client), _ = _clients(user, attacked)
    before = _clinic_fingerprint(attacked)
    foreign = {str(value) for value in attacked.created.values()} | {attacked.infant.mrn}
    problems = []
    for form in sorted(forms, key=lambda f: (f.action, f.fields)):
        response = client.post(form.action, dict(form.fields))
        status = response.status_code
        body = response.content.decode(errors="replace")
        if user is None:
            refused = _anonymous_refused(False, status)
        elif form.names_an_object:
            refused = status in (403, 404, 405)
        else:
            refused = status < 500 and not [value for value in foreign if value in body]
        if not refused:
            problems.append((form.view_name, form.action, status))
    TRIED["form posts"] += len(forms)
    TRIED["form actions"] = max(TRIED["form actions"], len({f.action for f in forms}))
    assert not problems, problems
    assert _clinic_fingerprint(attacked) == before, "the attacked clinic's records changed"


@pytest.mark.parametrize("kind", ATTACKERS)
def test_every_attacker_gets_404_on_every_django_admin_page(kind, attacked):
    user = _attacker(kind, attacked)
    (_, client), _ = _clients(user, attacked)
    urls = admin_urls(attacked)
    answers = {
        (url, method): getattr(client, method)(url).status_code
        for url in urls
        for method in METHODS
    }
    TRIED["admin requests"] += len(answers)
    assert set(answers.values()) == {404}, {k: v for k, v in answers.items() if v != 404}
