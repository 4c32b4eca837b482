"""`GET /metrics` for Prometheus: requests (django-prometheus), the Celery queue, tasks by
outcome, and the clinic's open alerts.

Queue depth and alert counts are read when Prometheus scrapes, so every web process answers the
same. Task outcomes are counted in the shared cache (Redis in production) by Celery signals in
the worker processes, which Prometheus does not scrape. Under gunicorn each worker keeps its own
request counters; PROMETHEUS_MULTIPROC_DIR (config/gunicorn.py sets it up) adds them together.

The endpoint is not public: a scrape needs `Authorization: Bearer $METRICS_TOKEN`, or must come
from an address in METRICS_ALLOWED_NETWORKS. Anything else is a 404, as if it did not exist.
"""

import hmac
import ipaddress
import os
from functools import cache as memoize

import prometheus_client
import redis
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from assessments.models import TriageAlert
from workups.models import CriticalAlert

TASK_OUTCOMES = ("succeeded", "failed", "retried")
# kombu's Redis transport keeps a message with priority p > 0 in "<queue>\x06\x16<p>".
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


def _task_key(task_name: str, outcome: str) -> str:
    return f"metrics:task:{task_name}:{outcome}"


def task_outcome_count(task_name: str, outcome: str) -> None:
    """Called from Celery's task signals (config.celery) in whichever process ran the task."""
    key = _task_key(task_name, outcome)
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except Exception:  # noqa: S110 - a cache outage must never fail a task
        pass


def _clinic_task_names() -> list[str]:
    from config.celery import app

    return sorted(name for name in app.tasks if not name.startswith("celery."))


@memoize
def _broker() -> redis.Redis | None:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


class ClinicCollector:
    """Read at every scrape: no state in the web process."""

    def collect(self):
        queue = GaugeMetricFamily(
            "tremor_celery_queue_length",
            "Messages waiting in the Celery queue (not yet taken by a worker).",
            labels=["queue"],
        )
        unacked = GaugeMetricFamily(
            "tremor_celery_unacknowledged_messages",
            "Messages a worker has taken but not yet acknowledged.",
        )
        broker = _broker()
        if broker is not None:
            try:
                queue.add_metric(
                    ["celery"], sum(broker.llen(f"celery{s}") for s in _PRIORITY_SUFFIXES)
                )
                unacked.add_metric([], broker.hlen("unacked"))
            except redis.RedisError:
                pass
        yield queue
        yield unacked

        tasks = CounterMetricFamily(
            "tremor_celery_tasks",
            "Celery tasks finished, by task and outcome.",
            labels=["task", "outcome"],
        )
        names = _clinic_task_names()
        keys = {(n, o): _task_key(n, o) for n in names for o in TASK_OUTCOMES}
        try:
            counts = cache.get_many(list(keys.values()))
        except Exception:
            counts = {}
        for (name, outcome), key in keys.items():
            tasks.add_metric([name, outcome], counts.get(key, 0))
        yield tasks

        triage = GaugeMetricFamily(
            "tremor_triage_alerts_open",
            "Triage alerts to an on-call clinician not yet acknowledged.",
        )
        triage.add_metric([], TriageAlert.objects.unacknowledged().count())
        yield triage
        critical = GaugeMetricFamily(
            "tremor_critical_result_alerts_open",
            "Critical results not yet acknowledged, by escalation level.",
            labels=["level"],
        )
        open_alerts = CriticalAlert.objects.filter(acknowledged_at__isnull=True)
        for level in CriticalAlert._meta.get_field("level").choices:
            critical.add_metric([str(level[0])], open_alerts.filter(level=level[0]).count())
        yield critical


def _process_metrics() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = prometheus_client.REGISTRY
    return prometheus_client.generate_latest(registry)


def scrape_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header.removeprefix("Bearer ").encode(), token.encode())
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net) for net in settings.METRICS_ALLOWED_NETWORKS)


@never_cache
@require_GET
def metrics(request):
    if not scrape_allowed(request):
        raise Http404
    clinic = prometheus_client.CollectorRegistry()
    clinic.register(ClinicCollector())
    body = _process_metrics() + prometheus_client.generate_latest(clinic)
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
