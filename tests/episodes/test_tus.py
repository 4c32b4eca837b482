"""Resumable uploads (tus 1.0): protocol, ownership, checks, resume after a dropped connection,
and flat memory for a 1 GiB upload."""

import base64
import hashlib
import http.client
import threading
import time
import urllib.parse
import uuid

import pytest
from tusclient import client as tus

from clinics.services import api_token_issue
from episodes.models import EpisodeVideo, UploadSession
from tests.episodes.conftest import sha256_file, stored_files, stored_path
from tests.factories import EpisodeFactory, caregiver_of, staff

URL = "/api/v1/uploads/"
TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def create(client, episode, length, filename="clip.mp4"):
    return client.post(
        URL,
        HTTP_UPLOAD_LENGTH=str(length),
        HTTP_UPLOAD_METADATA=f"episode {b64(str(episode.uuid))},filename {b64(filename)}",
        **TUS,
    )


def patch(client, location, offset, data, **headers):
    return client.generic(
        "PATCH",
        location,
        data,
        content_type="application/offset+octet-stream",
        HTTP_UPLOAD_OFFSET=str(offset),
        **TUS,
        **headers,
    )


@pytest.mark.django_db
def test_options_advertises_the_protocol_without_sign_in(api_client, settings):
    response = api_client.options(URL)
    assert response.status_code == 204
    assert response["Tus-Resumable"] == "1.0.0"
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {"creation", "termination", "checksum"}
    assert response["Tus-Max-Size"] == str(settings.VIDEO_MAX_UPLOAD_BYTES)
    assert response["Tus-Checksum-Algorithm"] == "sha1,sha256"


@pytest.mark.django_db
def test_tus_requests_need_a_token(api_client, family):
    response = create(api_client, family["episode"], 10)
    assert response.status_code == 401


@pytest.mark.django_db
def test_upload_in_chunks_becomes_a_video(token_client, family, clip, media_dirs):
    data = clip().read_bytes()
    client = token_client(family["parent"])
    created = create(client, family["episode"], len(data))
    assert created.status_code == 201
    location = created["Location"]
    half = len(data) // 2
    first = patch(client, location, 0, data[:half])
    assert (first.status_code, first["Upload-Offset"]) == (204, str(half))
    head = client.head(location, **TUS)
    assert (head["Upload-Offset"], head["Upload-Length"]) == (str(half), str(len(data)))
    assert head["Cache-Control"] == "no-store"
    last = patch(client, location, half, data[half:])
    assert last.status_code == 204
    video = EpisodeVideo.objects.get(uuid=last["Video-Id"])
    assert video.sha256 == hashlib.sha256(data).hexdigest()
    assert video.original_filename == "clip.mp4"
    assert list(media_dirs["partial"].iterdir()) == []


@pytest.mark.django_db
def test_wrong_offset_is_409(token_client, family, clip):
    data = clip().read_bytes()
    client = token_client(family["parent"])
    location = create(client, family["episode"], len(data))["Location"]
    response = patch(client, location, 100, data[100:200])
    assert response.status_code == 409
    assert response["Upload-Offset"] == "0"


@pytest.mark.django_db
def test_checksum_mismatch_is_460_and_the_chunk_is_dropped(token_client, family, clip):
    data = clip().read_bytes()
    client = token_client(family["parent"])
    location = create(client, family["episode"], len(data))["Location"]
    wrong = base64.b64encode(hashlib.sha1(b"something else").digest()).decode()  # noqa: S324
    response = patch(client, location, 0, data[:1000], HTTP_UPLOAD_CHECKSUM=f"sha1 {wrong}")
    assert response.status_code == 460
    assert client.head(location, **TUS)["Upload-Offset"] == "0"
    right = base64.b64encode(hashlib.sha256(data[:1000]).digest()).decode()
    response = patch(client, location, 0, data[:1000], HTTP_UPLOAD_CHECKSUM=f"sha256 {right}")
    assert (response.status_code, response["Upload-Offset"]) == (204, "1000")


@pytest.mark.django_db
def test_unsupported_checksum_algorithm_is_400(token_client, family):
    client = token_client(family["parent"])
    location = create(client, family["episode"], 10)["Location"]
    assert patch(client, location, 0, b"x", HTTP_UPLOAD_CHECKSUM="md5 eA==").status_code == 400


@pytest.mark.django_db
def test_patch_needs_the_tus_content_type(token_client, family):
    client = token_client(family["parent"])
    location = create(client, family["episode"], 10)["Location"]
    response = client.generic(
        "PATCH", location, b"x", content_type="text/plain", HTTP_UPLOAD_OFFSET="0", **TUS
    )
    assert response.status_code == 415


@pytest.mark.django_db
def test_missing_tus_resumable_header_is_412(token_client, family):
    response = token_client(family["parent"]).post(URL, HTTP_UPLOAD_LENGTH="10")
    assert response.status_code == 412
    assert response["Tus-Version"] == "1.0.0"


@pytest.mark.django_db
def test_delete_terminates_the_upload(token_client, family, media_dirs):
    client = token_client(family["parent"])
    location = create(client, family["episode"], 5000)["Location"]
    patch(client, location, 0, b"\x00" * 10)
    assert client.delete(location, **TUS).status_code == 204
    assert client.head(location, **TUS).status_code == 404
    assert not UploadSession.objects.exists()
    assert stored_files(media_dirs) == []


@pytest.mark.django_db
def test_an_upload_belongs_to_its_creator(token_client, family):
    location = create(token_client(family["parent"]), family["episode"], 100)["Location"]
    other_parent = caregiver_of(family["infant"])
    for user in (other_parent, family["doctor"], staff()):
        client = token_client(user)
        assert client.head(location, **TUS).status_code == 404
        assert patch(client, location, 0, b"x").status_code == 404
        assert client.delete(location, **TUS).status_code == 404


@pytest.mark.django_db
def test_creation_refusals(token_client, family, settings, media_dirs):
    client = token_client(family["parent"])
    assert create(client, family["episode"], 0).status_code == 400
    settings.VIDEO_MAX_UPLOAD_BYTES = 1000
    too_big = create(client, family["episode"], 1001)
    assert too_big.status_code == 413
    assert b"larger than the limit" in too_big.content
    missing = type("E", (), {"uuid": uuid.uuid4()})
    assert create(client, missing, 10).status_code == 404
    assert create(client, EpisodeFactory(), 10).status_code == 404
    assert create(token_client(staff()), family["episode"], 10).status_code == 404
    no_episode = client.post(URL, HTTP_UPLOAD_LENGTH="10", **TUS)
    assert no_episode.status_code == 400
    assert not UploadSession.objects.exists()
    assert stored_files(media_dirs) == []


@pytest.mark.django_db
def test_text_file_sent_by_tus_is_refused_at_its_first_bytes(token_client, family, media_dirs):
    client = token_client(family["parent"])
    text = b"not a video at all, just words\n" * 1000
    location = create(client, family["episode"], len(text))["Location"]
    response = patch(client, location, 0, text[:9000])
    assert response.status_code == 415
    assert b"not a video" in response.content
    assert not UploadSession.objects.exists()
    assert not EpisodeVideo.objects.exists()
    assert stored_files(media_dirs) == []


@pytest.mark.django_db
def test_bytes_beyond_the_announced_length_are_refused(token_client, family):
    client = token_client(family["parent"])
    location = create(client, family["episode"], 10)["Location"]
    assert patch(client, location, 0, b"x" * 11).status_code == 413


def _token(user) -> str:
    return api_token_issue(user=user)[1]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_tuspy_resumes_after_a_dropped_connection(postgres, live_server, family, clip):
    source = clip(seconds=4, size=(160, 120))
    data = source.read_bytes()
    key = _token(family["parent"])
    client = tus.TusClient(f"{live_server.url}{URL}", headers={"Authorization": f"Token {key}"})
    uploader = client.uploader(
        file_path=str(source),
        chunk_size=4096,
        metadata={"episode": str(family["episode"].uuid), "filename": source.name},
    )
    half = len(data) // 2
    uploader.upload(stop_at=half // 2)
    location = uploader.url

    # The connection drops in the middle of a chunk: the server keeps what arrived.
    address = urllib.parse.urlsplit(live_server.url)
    offset = uploader.offset
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.putrequest("PATCH", urllib.parse.urlsplit(location).path)
    for name, value in {
        "Authorization": f"Token {key}",
        "Tus-Resumable": "1.0.0",
        "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": str(offset),
        "Content-Length": str(len(data) - offset),
    }.items():
        connection.putheader(name, value)
    connection.endheaders()
    connection.send(data[offset:half])
    connection.sock.close()
    deadline = time.monotonic() + 10
    while UploadSession.objects.get().offset < half and time.monotonic() < deadline:
        time.sleep(0.05)
    assert UploadSession.objects.get().offset == half

    resumed = client.uploader(
        file_path=str(source), url=location, chunk_size=8192, upload_checksum=True
    )
    assert resumed.offset == half, "the client learns the offset with HEAD"
    resumed.upload()
    video = EpisodeVideo.objects.get()
    assert video.sha256 == sha256_file(source)
    assert sha256_file(stored_path(video.original)) == sha256_file(source)


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


@pytest.mark.django_db(transaction=True)
def test_a_1_gib_upload_streams_with_flat_memory(
    postgres, live_server, family, tmp_path, local_disk_media, measured
):
    """The server (a thread of this process) streams a 1 GiB PATCH to disk; the process's
    resident memory is sampled throughout and must grow by less than 100 MB."""
    size = 1024**3
    source = tmp_path / "big.mp4"
    with open(source, "wb") as fh:
        fh.write(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
        fh.truncate(size)  # sparse: a valid MP4 signature followed by padding
    key = _token(family["parent"])
    address = urllib.parse.urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
    metadata = f"episode {b64(str(family['episode'].uuid))},filename {b64('big.mp4')}"
    common = {"Authorization": f"Token {key}", "Tus-Resumable": "1.0.0"}
    connection.request(
        "POST", URL, headers={**common, "Upload-Length": str(size), "Upload-Metadata": metadata}
    )
    created = connection.getresponse()
    created.read()
    assert created.status == 201
    location = urllib.parse.urlsplit(created.headers["Location"]).path

    baseline = _rss_kib()
    peak = baseline
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_kib())
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.monotonic()
    try:
        connection = http.client.HTTPConnection(
            address.hostname, address.port, timeout=120, blocksize=1024 * 1024
        )
        with open(source, "rb") as body:
            connection.request(
                "PATCH",
                location,
                body=body,
                headers={
                    **common,
                    "Content-Type": "application/offset+octet-stream",
                    "Upload-Offset": "0",
                    "Content-Length": str(size),
                },
            )
            response = connection.getresponse()
            response.read()
    finally:
        done.set()
        sampler.join()
    elapsed = time.monotonic() - started
    growth_mb = (peak - baseline) / 1024
    measured(f"1 GiB upload: {elapsed:.1f} s, peak RSS growth {growth_mb:.1f} MB")
    assert response.status == 204
    video = EpisodeVideo.objects.get()
    assert video.size_bytes == size
    assert video.sha256 == sha256_file_chunked(source)
    assert growth_mb < 100


def sha256_file_chunked(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
