"""Test settings. DATABASE_URL and CELERY_BROKER_URL switch the suite to the real services."""

from .base import *

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "clinics.sms.MemorySmsBackend"
# Media in var/test-media; a server process a test starts may be pointed at its own folders or
# at a bucket on the local S3 server (tests/object_storage.py) with TEST_* variables, never by
# the production variables a developer's .env may hold.
MEDIA_ROOT = env("TEST_MEDIA_ROOT", default=str(VAR_DIR / "test-media"))
TEST_MEDIA_BUCKET = env("TEST_MEDIA_BUCKET", default="")
STORAGES = {
    **STORAGES,
    "default": object_storage(
        TEST_MEDIA_BUCKET,
        endpoint_url=env("TEST_MEDIA_S3_ENDPOINT_URL", default=None),
        access_key=env("TEST_MEDIA_S3_ACCESS_KEY_ID", default=None),
        secret_key=env("TEST_MEDIA_S3_SECRET_ACCESS_KEY", default=None),
        region_name="us-east-1",
    )
    if TEST_MEDIA_BUCKET
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
VIDEO_UPLOAD_PARTIAL_DIR = env(
    "TEST_UPLOAD_PARTIAL_DIR", default=str(VAR_DIR / "test-uploads-partial")
)
# Tasks run in-process unless a test starts a real worker (tests/conftest.py: celery_worker).
CELERY_TASK_ALWAYS_EAGER = env.bool("TEST_TASKS_EAGER", default=True)
# Tests check a video's processing right after its upload (tests/episodes: the background thread
# is tested on its own).
VIDEO_PROCESS_IN_BACKGROUND_WITHOUT_BROKER = False
LOGGING["root"]["level"] = "WARNING"
# Django's test client authenticates without a request in login(); see tests/backends.py.
AUTHENTICATION_BACKENDS = [
    "tests.backends.LockoutBackendForTests",
    "django.contrib.auth.backends.ModelBackend",
]
# tests/faults: a worker started with FAULT_CHECKPOINT_PAUSES="video_process=60,..." pauses its
# tasks at those checkpoints (config.faults) so the test can kill it mid-way.
FAULT_CHECKPOINT_PAUSES = {
    name: float(seconds)
    for name, _, seconds in (
        item.partition("=") for item in env.list("FAULT_CHECKPOINT_PAUSES", default=[])
    )
}
FAULT_CHECKPOINT_DIR = env("FAULT_CHECKPOINT_DIR", default=str(VAR_DIR))
if env("CELERY_VISIBILITY_TIMEOUT", default=""):
    # tests/faults: a killed worker's message comes back within seconds (kombu looks for
    # overdue unacknowledged messages every second instead of every ~100).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
