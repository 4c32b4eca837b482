"""`GET /healthz`: the state of the database, the broker and the Celery workers."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app


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
def healthz(request):
    checks = {
        "database": database_state(),
        "broker": broker_state(),
        "worker": worker_state(),
    }
    status = 503 if checks["database"] != "ok" else 200
    healthy = status == 200 and checks["broker"] in ("ok", "in_process")
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=status)
