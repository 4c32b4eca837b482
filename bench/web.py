"""In-process web figures over the generated data: SQL queries per request of every list page
and list endpoint at N=10 and N=1000 rows asked for, and the staff sign-in the benchmarks use
(Django test client, a verified second factor). The dashboard's timing is in bench/ratios.py."""

import re
from collections import Counter

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from load import percentile  # noqa: F401 - the benchmarks' one percentile
from rows import check_row

from clinics.models import Membership, Role
from clinics.services import api_token_issue
from tests.factories import sign_in_verified

# A clinic of 5,000 infants of the 100k network, and the 100-infant clinic generated beside it.
BENCH_CLINIC = "load-000"
SMALL_CLINIC = "load-020"

LIST_PAGES = [
    ("/dashboard/", Role.PEDIATRICIAN),
    ("/infants/", Role.PEDIATRICIAN),
    ("/workups/orders/", Role.PEDIATRICIAN),
    ("/workups/alerts/", Role.PEDIATRICIAN),
    ("/workups/referrals/", Role.PEDIATRICIAN),
    ("/workups/slots/", Role.CLINIC_ADMIN),
    ("/workups/worklist/", Role.NURSE),
]
LIST_ENDPOINTS = [
    "/api/v1/infants/",
    "/api/v1/episodes/",
    "/api/v1/triage-alerts/",
    "/api/v1/orders/",
    "/api/v1/results/",
    "/api/v1/critical-alerts/",
    "/api/v1/referrals/",
    "/api/v1/appointments/",
    "/api/v1/follow-ups/",
    "/api/v1/neurology-slots/",
]


def staff_of(role: Role, clinic_slug: str = BENCH_CLINIC):
    return (
        Membership.objects.select_related("user")
        .filter(clinic__slug=clinic_slug, role=role)
        .order_by("id")
        .first()
        .user
    )


def signed_in_as(user) -> Client:
    return sign_in_verified(Client(), user)


def signed_in(role: Role = Role.PEDIATRICIAN) -> Client:
    return signed_in_as(staff_of(role))


_LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def _queries(client, url: str, **headers) -> tuple[int, int]:
    """The request's number of statements, and the most times one statement (its literals
    aside) ran: a query per row runs once for each row."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    shapes = Counter(_LITERAL.sub("?", query["sql"]) for query in captured.captured_queries)
    return len(captured.captured_queries), max(shapes.values(), default=0)


def bench_query_counts() -> list[dict]:
    """Queries per request with 10 and with 1000 rows asked for (`limit` on the API; pages show
    50 rows, read on page 1 and on page 20, 1000 rows deep): no more queries for more rows means
    no query per row."""
    rows = []
    page_client = signed_in()
    _, key = api_token_issue(user=staff_of(Role.PEDIATRICIAN))
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    api_client = Client()
    clients = {role: signed_in(role) for role in {role for _, role in LIST_PAGES}}
    for url, role in LIST_PAGES:
        page_client = clients[role]
        _queries(page_client, url)  # the first request of a session also touches it
        small = _queries(page_client, url)
        # Page 20 of 50 rows sits 1000 rows deep into the list.
        large = _queries(page_client, f"{url}?page=20")
        rows.append(_count_row(url, f"queries {url} (page 1 / page 20)", small, large))
    for url in LIST_ENDPOINTS:
        _queries(api_client, f"{url}?limit=10", **auth)
        small = _queries(api_client, f"{url}?limit=10", **auth)
        large = _queries(api_client, f"{url}?limit=1000", **auth)
        rows.append(_count_row(url, f"queries GET {url} (N=10 / N=1000)", small, large))
    return rows


def _count_row(url: str, figure: str, small: tuple[int, int], large: tuple[int, int]) -> dict:
    # Fewer queries for more rows is fine: the API skips COUNT(*) when a page is the last one
    # (clinics/pagination.py), which a small table reaches with limit=1000 but not with limit=10.
    # More is fine only as statements that each run once: a prefetch runs when the rows have
    # something to prefetch (videos among 1,000 episodes, none among the first 10).
    (few, _), (many, repeated) = small, large
    return check_row(
        "queries" + url.rstrip("/").replace("/", "."),
        figure,
        f"{few} / {many}",
        goal="constant (no statement per row)",
        met=many <= few or repeated == 1,
        note="" if many <= few else f"the {many - few} more each run once",
    )
