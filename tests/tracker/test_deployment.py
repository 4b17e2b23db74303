import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

PROJECT = Path(__file__).resolve().parents[2]


def test_the_deployment_checklist_reports_nothing_with_production_settings():
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "tracker06.example.org",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_the_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings", "DEBUG": "false"}
    environment.pop("SECRET_KEY", None)

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.fixture
def tight_throttle(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/minute", "user": "5/minute"})
    cache.clear()
    yield
    cache.clear()


def test_anonymous_clients_are_throttled(db, tight_throttle):
    client = APIClient()
    codes = [client.post("/api/v1/auth/token/", {"username": "x", "password": "y"}).status_code for _ in range(4)]

    assert codes == [401, 401, 401, 429]


def test_signed_in_clients_are_throttled(staff, tight_throttle):
    client = APIClient()
    client.force_authenticate(staff)
    codes = [client.get("/api/v1/plans/").status_code for _ in range(6)]

    assert codes == [200] * 5 + [429]


def make_run(*variables, environment=None):
    """What `make run` would do, without doing it."""
    return subprocess.run(
        ["make", "-n", "run", *variables],
        cwd=PROJECT,
        env={**os.environ, **(environment or {})},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_on_the_host_and_port_asked_for_and_says_where():
    assert "runserver $HOST:$PORT" in (PROJECT / "Procfile").read_text()

    asked = make_run("HOST=0.0.0.0", "PORT=8123")
    assert "log in at http://0.0.0.0:8123/" in asked
    assert "honcho start -f Procfile --port 8123" in asked

    # The environment's HOST (some shells export the machine's name there) is not where it serves.
    default = make_run(environment={"HOST": "may-chu", "PORT": "9999"})
    assert "log in at http://127.0.0.1:8000/" in default
    assert "honcho start -f Procfile --port 8000" in default
