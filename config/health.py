"""`GET /healthz`: the state of the database, the broker and the Celery workers; and the 503
every request gets while the database is unreachable."""

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clinics.permissions import PUBLIC, requires_roles
from config.celery import app as celery_app

logger = logging.getLogger(__name__)


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any failure to reach the database is "down"
        connection.close_if_unusable_or_obsolete()
        return "down"
    return "ok"


def broker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return "in_process"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
    except Exception:
        return "down"
    return "ok"


def worker_state() -> str:
    if not settings.CELERY_BROKER_URL:
        return "in_process"
    try:
        replies = celery_app.control.ping(timeout=0.5)
    except Exception:
        return "unreachable"
    return "ok" if replies else "none"


@never_cache
@require_GET
@requires_roles(*PUBLIC)
def healthz(request):
    checks = {
        "database": database_state(),
        "broker": broker_state(),
        "worker": worker_state(),
    }
    status = 503 if checks["database"] != "ok" else 200
    healthy = status == 200 and checks["broker"] in ("ok", "in_process")
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=status)


# While the database is unreachable every request gets this instead of a 500, so clients and
# load balancers retry, and no page or endpoint answers from half-read data.
RETRY_AFTER_SECONDS = 5
DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)


def database_unavailable_response(request) -> HttpResponse:
    message = "The clinic's records are unreachable for a moment. Try again in a few seconds."
    response: HttpResponse
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost database connection in a view into 503 with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN_ERRORS):
            logger.warning(
                "database unreachable: %s %s: %s", request.method, request.path, exception
            )
            return database_unavailable_response(request)
        return None


def server_error(request):
    """handler500: a lost database in a middleware (the session, the signed-in user) is a 503
    too; anything else is Django's plain 500."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN_ERRORS):
        return database_unavailable_response(request)
    return defaults.server_error(request)
