import shutil

import pytest
from django.db import connection

from tests.conftest import service_unavailable
from tests.faults.services import PrivatePostgres, PrivateRedis, postgres_bin


@pytest.fixture(scope="session")
def private_redis():
    """A Redis of our own (the shared one serves other engineers' tests): stop it at will."""
    if not shutil.which("redis-server"):
        service_unavailable("needs redis-server on PATH for the fault tests")
    server = PrivateRedis()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def private_postgres():
    """A throwaway PostgreSQL cluster of our own, to restart under load."""
    if not postgres_bin():
        service_unavailable("needs /usr/lib/postgresql/*/bin (initdb, pg_ctl) for the fault tests")
    cluster = PrivatePostgres()
    cluster.start()
    yield cluster
    cluster.cleanup()


@pytest.fixture
def test_database_url(transactional_db) -> str:
    """The test database, for worker processes: they must see what the test commits."""
    if connection.vendor != "postgresql":
        service_unavailable("worker processes need PostgreSQL: set DATABASE_URL=postgres://...")
    conf = connection.settings_dict
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    return (
        f"postgres://{conf['USER']}{password}@{conf['HOST'] or '127.0.0.1'}:"
        f"{conf['PORT'] or 5432}/{conf['NAME']}"
    )
