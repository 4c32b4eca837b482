"""Bad input: spoofed file types, path traversal in file names, oversized and malformed tus
headers, markup in every free-text field, huge bodies, and unicode edge cases in names."""

import base64
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, ProgrammingError, models, transaction
from django.test import Client
from django.utils import timezone

from clinics.models import Role
from episodes.models import EpisodeVideo, UploadSession
from tests.attacks.tally import TRIED
from tests.attacks.world import clinic_with_every_object, rate_limits_out_of_the_way
from tests.episodes.conftest import clip, family, media_dirs, stored_files  # noqa: F401
from tests.episodes.test_tus import TUS, URL, create, patch
from tests.episodes.test_video_upload import send
from tests.factories import caregiver_of, sign_in_verified, staff
from tests.security.pages import assert_page_is_safe
from tests.test_isolation import _fill, project_routes

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200
SCRIPT = b"#!/bin/sh\nrm -rf / --no-preserve-root\n" + b"#" * 200
TRAVERSAL_NAMES = [
    "../../etc/passwd",
    "/etc/passwd",
    "..\\..\\windows\\win.ini",
    "clip\x00.mp4",
    "a/../../../../tmp/evil.mp4",
]


NOT_UTF8 = base64.b64encode(b"\xff\xfe").decode()


def b64(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


@pytest.fixture(autouse=True)
def _rates():
    with rate_limits_out_of_the_way():
        yield


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["clip.mp4", "clip.mov"])
@pytest.mark.parametrize("body", [PNG, SCRIPT], ids=["png", "script"])
def test_spoofed_video_types_are_refused_and_nothing_is_kept(
    token_client,
    family,  # noqa: F811
    media_dirs,  # noqa: F811
    name,
    body,
):
    client = token_client(family["parent"])
    response = send(client, family["episode"], name, body, content_type="video/mp4")
    assert response.status_code == 415, response.content
    location = create(client, family["episode"], len(body), filename=name)["Location"]
    assert patch(client, location, 0, body).status_code == 415
    TRIED["bad input requests"] += 3
    assert not EpisodeVideo.objects.exists()
    assert not UploadSession.objects.exists()
    assert stored_files(media_dirs) == []


def _stored_under_a_generated_name(video: EpisodeVideo) -> None:
    assert video.original.name == f"episodes/videos/{video.uuid}/original.mp4"
    assert "/" not in video.original_filename
    assert "\x00" not in video.original_filename
    assert "\\" not in video.original_filename or video.original_filename.count("..") == 0


@pytest.mark.django_db
@pytest.mark.parametrize("name", TRAVERSAL_NAMES)
def test_client_file_names_never_become_storage_paths(
    token_client,
    family,  # noqa: F811
    clip,  # noqa: F811
    media_dirs,  # noqa: F811
    name,
):
    client = token_client(family["parent"])
    data = clip(seconds=0.3).read_bytes()
    response = send(client, family["episode"], name, data)
    assert response.status_code == 201, response.content
    _stored_under_a_generated_name(EpisodeVideo.objects.get(uuid=response.json()["id"]))
    other = clip("other.mp4", seconds=0.6).read_bytes()
    location = create(client, family["episode"], len(other), filename=name)
    assert location.status_code == 201, location.content
    done = patch(client, location["Location"], 0, other)
    assert done.status_code == 204, done.content
    _stored_under_a_generated_name(EpisodeVideo.objects.get(uuid=done["Video-Id"]))
    TRIED["bad input requests"] += 3
    media = media_dirs["media"].resolve()
    assert all(path.resolve().is_relative_to(media) for path in stored_files(media_dirs)[:2])


@pytest.mark.django_db
def test_malformed_tus_requests_are_4xx_never_5xx(token_client, family):  # noqa: F811
    client = token_client(family["parent"])
    episode = b64(str(family["episode"].uuid))
    creations = {
        "bad base64": {"HTTP_UPLOAD_LENGTH": "10", "HTTP_UPLOAD_METADATA": "episode %%%not-b64"},
        "not utf-8": {
            "HTTP_UPLOAD_LENGTH": "10",
            "HTTP_UPLOAD_METADATA": "episode " + NOT_UTF8,
        },
        "no length": {"HTTP_UPLOAD_METADATA": f"episode {episode}"},
        "negative length": {
            "HTTP_UPLOAD_LENGTH": "-5",
            "HTTP_UPLOAD_METADATA": f"episode {episode}",
        },
        "huge length": {
            "HTTP_UPLOAD_LENGTH": "9" * 40,
            "HTTP_UPLOAD_METADATA": f"episode {episode}",
        },
        "text length": {"HTTP_UPLOAD_LENGTH": "ten", "HTTP_UPLOAD_METADATA": f"episode {episode}"},
        "no metadata": {"HTTP_UPLOAD_LENGTH": "10"},
        "very long metadata": {
            "HTTP_UPLOAD_LENGTH": "10",
            "HTTP_UPLOAD_METADATA": f"episode {episode},filename {b64('x' * 200_000)},"
            + ",".join(f"k{n} {b64('v' * 50)}" for n in range(2000)),
        },
    }
    statuses = {}
    for label, headers in creations.items():
        statuses[label] = client.post(URL, **headers, **TUS).status_code
    assert all(400 <= code < 500 or code == 201 for code in statuses.values()), statuses
    assert statuses["bad base64"] == statuses["no length"] == statuses["no metadata"] == 400
    assert statuses["negative length"] == 400
    assert statuses["huge length"] == 413
    long_named = UploadSession.objects.filter(episode=family["episode"]).first()
    assert long_named is None or len(long_named.filename) <= 255
    location = create(client, family["episode"], 100)["Location"]
    chunks = {
        "negative offset": patch(client, location, -1, b"x"),
        "huge offset": patch(client, location, 10**30, b"x"),
        "text offset": patch(client, location, "abc", b"x"),
        "no offset": client.generic(
            "PATCH", location, b"x", content_type="application/offset+octet-stream", **TUS
        ),
        "wrong type": client.generic(
            "PATCH", location, b"x", content_type="text/plain", HTTP_UPLOAD_OFFSET="0", **TUS
        ),
        "bad checksum": patch(client, location, 0, b"x", HTTP_UPLOAD_CHECKSUM="sha1 %%%"),
        "no tus version": client.generic(
            "PATCH",
            location,
            b"x",
            content_type="application/offset+octet-stream",
            HTTP_UPLOAD_OFFSET="0",
        ),
        "past the length": patch(client, location, 0, b"x" * 101),
    }
    codes = {label: response.status_code for label, response in chunks.items()}
    TRIED["bad input requests"] += len(creations) + len(chunks)
    assert all(400 <= code < 500 for code in codes.values()), codes
    assert codes["no tus version"] == 412
    assert codes["wrong type"] == 415
    assert UploadSession.objects.get(uuid=location.rstrip("/").rsplit("/", 1)[-1]).offset == 0


@pytest.mark.django_db
def test_huge_bodies_are_refused(token_client, client, family, settings):  # noqa: F811
    huge = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)
    api = token_client(family["parent"]).post(
        "/api/v1/episodes/",
        {
            "infant": str(family["infant"].uuid),
            "started_at": timezone.now().isoformat(),
            "notes": huge,
        },
        format="json",
    )
    assert api.status_code == 413, api.content
    page = client.post("/accounts/login/", {"email": "a@example.com", "password": huge})
    assert page.status_code in (400, 413)
    TRIED["bad input requests"] += 2


MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"
NOT_TEXT = {
    "password",
    "email",
    "sha256",
    "key_digest",
    "token_digest",
    "prefix",
    "content_type",
    "method",
    "path",
    "user_agent",
    "time_zone",
}


def _mark_every_free_text_field() -> int:
    """Put markup in every free-text column of every row of the project's apps."""
    changed = 0
    for label in ("clinics", "patients", "episodes", "assessments", "workups"):
        for model in apps.get_app_config(label).get_models():
            fields = [
                field
                for field in model._meta.concrete_fields
                if isinstance(field, (models.CharField, models.TextField))
                and not isinstance(field, models.EmailField)
                and not field.choices
                and field.name not in NOT_TEXT
                and (field.max_length or 1000) >= 40
            ]
            if not fields or model._meta.db_table == "clinics_auditevent":
                continue
            for pk in model.objects.values_list("pk", flat=True):
                values = {f.name: f"{MARKUP}{pk}"[: f.max_length or 1000] for f in fields}
                try:
                    with transaction.atomic():
                        model.objects.filter(pk=pk).update(**values)
                except (IntegrityError, ProgrammingError):
                    continue  # append-only rows (assessments): the database refuses updates
                changed += len(values)
    return changed


@pytest.mark.django_db
def test_markup_in_every_free_text_field_is_escaped_on_every_page_and_api(token_client):
    world = clinic_with_every_object()
    readers = [world.staff_user, staff(Role.NURSE, world.clinic), caregiver_of(world.infant)]
    assert _mark_every_free_text_field() > 20
    pages = apis = 0
    for reader in readers:
        web = sign_in_verified(Client(), reader)
        api = token_client(reader)
        for route in project_routes():
            if route.kwargs and not all(k in world.created for k in route.kwargs):
                continue
            url = _fill(route.template, {k: world.created[k] for k in route.kwargs})
            is_api = url.startswith("/api/")
            response = (api if is_api else web).get(url)
            assert response.status_code < 500, (route.name, response.status_code)
            if response.status_code != 200:
                continue
            kind = response.get("Content-Type", "")
            if is_api:
                assert kind.startswith(
                    ("application/json", "application/vnd.oai", "video/", "image/", "text/html")
                ), (route.name, kind)
                apis += 1
            elif kind.startswith("text/html"):
                body = response.content.decode()
                assert "<script>alert(1)" not in body, route.name
                assert "<img src=x" not in body, route.name
                assert_page_is_safe(response)
                pages += 1
    TRIED["markup pages checked"] += pages
    TRIED["markup API answers checked"] += apis
    assert pages >= 20, (pages, apis)
    assert apis >= 20, (pages, apis)


UNICODE_NAMES = [
    "Zoe\u0308 Ame\u0301lie",  # combining marks
    "\u0645\u0631\u064a\u0645",  # right-to-left
    "\u202eevil\u202c",  # right-to-left override
    "Baby \U0001f476\U0001f3fd",  # emoji with a skin tone
    "Ann\u200ba\u200d",  # zero-width space and joiner
    "\u1100\u1161\u11a8 \u00df \ufb01",  # jamo, sharp s, ligature
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", UNICODE_NAMES)
def test_unicode_names_round_trip_and_render(token_client, name):
    doctor = staff(Role.PEDIATRICIAN)
    api = token_client(doctor)
    response = api.post(
        "/api/v1/infants/",
        {
            "mrn": f"U-{len(name)}-{ord(name[0])}",
            "given_name": name,
            "family_name": name,
            "sex": "female",
            "born_at": (timezone.now() - timedelta(days=3)).isoformat(),
            "gestational_weeks": 39,
            "birth_weight_g": 3200,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    infant_id = response.json()["id"]
    assert api.get(f"/api/v1/infants/{infant_id}/").json()["given_name"] == name
    search = api.get("/api/v1/infants/", {"search": name})
    assert search.status_code == 200
    web = sign_in_verified(Client(), doctor)
    page = web.get(f"/infants/{infant_id}/")
    assert page.status_code == 200
    assert_page_is_safe(page)
    TRIED["bad input requests"] += 5


@pytest.mark.django_db
@pytest.mark.parametrize(
    "when", ["6395-08-31T00:10:31+20:53", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+01:00"]
)
def test_episode_time_filters_with_extreme_offsets_are_answered(token_client, family, when):  # noqa: F811
    response = token_client(family["parent"]).get(
        "/api/v1/episodes/", {"started_after": when, "started_before": when}
    )
    TRIED["bad input requests"] += 1
    assert response.status_code in (200, 400), response.content
