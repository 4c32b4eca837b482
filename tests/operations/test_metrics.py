"""GET /metrics: Prometheus text with requests, the Celery queue, tasks and open alerts; not
reachable without the token or from outside the allowed networks."""

import pytest

from assessments.models import AssessmentTrigger, TriageAlert
from assessments.services import assessment_run
from config.metrics import task_outcome_count
from tests.factories import EpisodeFactory, InfantFactory, staff


def _scrape(client, **headers):
    return client.get("/metrics", **headers)


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = "scrape-secret-1"
    settings.METRICS_ALLOWED_NETWORKS = []
    return "scrape-secret-1"


@pytest.mark.django_db
def test_metrics_are_a_404_without_the_token_or_with_a_wrong_one(client, metrics_token):
    assert _scrape(client).status_code == 404
    assert _scrape(client, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert _scrape(client, HTTP_AUTHORIZATION=f"Token {metrics_token}").status_code == 404


@pytest.mark.django_db
def test_metrics_are_a_404_when_nothing_is_configured(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert _scrape(client, HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_a_scraper_on_the_allowed_network_needs_no_token(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert _scrape(client, REMOTE_ADDR="10.20.3.4").status_code == 200
    assert _scrape(client, REMOTE_ADDR="10.21.3.4").status_code == 404


@pytest.mark.django_db
def test_metrics_report_requests_tasks_and_open_alerts(client, metrics_token, settings):
    infant = InfantFactory()
    staff(clinic=infant.clinic)
    EpisodeFactory(infant=infant, stops_with_gentle_restraint="no", autonomic=["apnea"])
    assessment_run(infant=infant, trigger=AssessmentTrigger.NEW_EPISODE)
    open_alerts = TriageAlert.objects.unacknowledged().count()
    assert open_alerts == 1
    task_outcome_count("assessments.assess_infant", "succeeded")
    client.get("/healthz")
    response = _scrape(client, HTTP_AUTHORIZATION=f"Bearer {metrics_token}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "django_http_requests_total_by_method_total" in text
    assert "tremor_celery_queue_length" in text
    assert 'tremor_celery_tasks_total{outcome="succeeded",task="assessments.assess_infant"}' in text
    assert f"tremor_triage_alerts_open {float(open_alerts)}" in text
    assert 'tremor_critical_result_alerts_open{level="1"}' in text


@pytest.mark.django_db
def test_queue_length_counts_the_messages_waiting_in_redis(client, metrics_token, redis_client):
    redis_client.delete("celery")
    redis_client.lpush("celery", b"{}", b"{}", b"{}")
    try:
        text = _scrape(client, HTTP_AUTHORIZATION=f"Bearer {metrics_token}").content.decode()
    finally:
        redis_client.delete("celery")
    assert 'tremor_celery_queue_length{queue="celery"} 3.0' in text
