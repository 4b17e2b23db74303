"""Redis stopped under a running tracker: the cache (where throttling counts) fails open with a
logged error, the API and the pages keep answering, and counting resumes when Redis returns."""

import runpy
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]


class RedisServer:
    """A redis-server of the test's own, on a free port, that the test can stop and start."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        for _attempt in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)

    def keys(self) -> list[bytes]:
        return redis.Redis.from_url(self.url).keys("*throttle*")


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def redis_cache(redis_server, monkeypatch):
    """The cache as the production settings make it with REDIS_URL pointing at the test's Redis."""
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    production = runpy.run_path(str(Path(settings.BASE_DIR) / "tracker" / "settings.py"))
    with override_settings(CACHES=production["CACHES"]):
        yield redis_server


def test_the_api_and_the_pages_keep_answering_while_redis_is_away(redis_cache, staff, assignment, client, caplog):
    api = APIClient()
    api.force_authenticate(staff)
    assert api.get("/api/v1/plans/").status_code == 200
    assert redis_cache.keys(), "the throttle counts in Redis while it is up"

    redis_cache.stop()
    client.force_login(staff)
    with caplog.at_level("ERROR", logger="tracker.cache"):
        codes = {
            "plans": api.get("/api/v1/plans/").status_code,
            "assignments": api.get("/api/v1/assignments/").status_code,
            "dashboard": api.get(f"/api/v1/dashboard/summary/?plan={assignment.task.plan.code}").status_code,
            "token, anonymous": APIClient().post("/api/v1/auth/token/", {"username": "x", "password": "y"}).status_code,
            "dashboard page": client.get("/").status_code,
            "my assignments page": client.get("/my/").status_code,
        }

    assert codes == {
        "plans": 200,
        "assignments": 200,
        "dashboard": 200,
        "token, anonymous": 401,
        "dashboard page": 200,
        "my assignments page": 200,
    }
    assert any(record.name == "tracker.cache" for record in caplog.records), "the outage is logged"

    redis_cache.start()
    assert api.get("/api/v1/plans/").status_code == 200
    assert redis_cache.keys(), "throttling counts again once Redis is back"
