"""The deployment smoke test: Tracker 06 installed and started as the README's production
section says, then used as an official would use it.

- a fresh virtualenv with requirements.txt alone (`pip check` clean, none of the test tools);
- a fresh PostgreSQL database, a Redis of its own, and a real SMTP server (aiosmtpd, here);
- migrate, collectstatic and load_initial_data with production settings (DEBUG off);
- gunicorn, a Celery worker and beat, started from deploy/Procfile by honcho;
- a focal point reports an assignment done through the API, and committee staff see it among
  their notifications (in the app: their e-mail about reports is the day's digest); they return
  it, and the focal point receives that e-mail through the worker;
- Redis is stopped: the API keeps answering, and a report and a return are saved (200, not
  500); Redis comes back, the worker reconnects, and the morning job (called as beat calls it)
  sends the focal point the e-mail the outage held back.

Run it with `make smoke` (which `.ci/run` calls). It needs PostgreSQL on DATABASE_URL's server
and `redis-server` on the PATH; it exits non-zero, with the processes' logs, on any failure.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller

PROJECT = Path(__file__).resolve().parents[1]
WORK = PROJECT / ".run" / "smoke"
VENV = WORK / "venv"
BIN = VENV / "bin"
PASSWORD = secrets.token_urlsafe(16)
STAFF_EMAIL = "to.cong.tac@smoke.example.org"
STAFF_BACKUP_CODE = f"{secrets.randbelow(10**8):08d}"
FOCAL_EMAIL = "dau.moi@smoke.example.org"


def step(text: str) -> None:
    print(f"smoke: {text}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(what: str, check, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


class Mailbox:
    """aiosmtpd's handler: keeps every message, as the mail server of the ministry would."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list:
        return [message for recipients, message in self.messages if address in recipients]


class Redis:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for("Redis", lambda: ping(self.port), seconds=10)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def run(*command, env=None, **options) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, **options)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} failed:\n{result.stdout}\n{result.stderr}")
    return result


def install() -> None:
    step("a fresh virtualenv with requirements.txt only")
    shutil.rmtree(VENV, ignore_errors=True)
    run(sys.executable, "-m", "venv", VENV)
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-r", "requirements.txt")
    run(BIN / "python", "-m", "pip", "check")
    for test_tool in ("pytest", "aiosmtpd", "schemathesis"):
        found = subprocess.run([BIN / "python", "-c", f"import {test_tool}"], capture_output=True).returncode == 0
        assert not found, f"{test_tool} is in the production install"


def fresh_database() -> str:
    server = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker"))
    name = "tracker_smoke"
    connection = ["-h", server.hostname, "-p", str(server.port or 5432), "-U", server.username or "postgres"]
    run("dropdb", *connection, "--if-exists", "--force", name)
    run("createdb", *connection, name)
    return server._replace(path=f"/{name}").geturl()


def production_environment(database_url: str, redis_url: str, smtp_port: int, web_port: int) -> dict:
    return {
        "PATH": f"{BIN}:{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "DEFAULT_FROM_EMAIL": "Tracker 06 <no-reply@smoke.example.org>",
        "SITE_URL": f"http://127.0.0.1:{web_port}",
        "MEDIA_ROOT": str(WORK / "media"),
        "BIND": f"127.0.0.1:{web_port}",
        "WEB_CONCURRENCY": "2",
        "WORKER_CONCURRENCY": "2",
        "BEAT_SCHEDULE_FILE": str(WORK / "celerybeat-schedule"),
    }


# Two accounts of the kind an administrator creates, and an open assignment of the focal point's agency.
PEOPLE = """
import json
from django.contrib.auth.models import Group
from django.contrib.auth import get_user_model
from agencies.models import AgencyMembership, COMMITTEE_STAFF_GROUP, MembershipRole
from tasks_app.models import Assignment, Status
User = get_user_model()
assignment = Assignment.objects.filter(status=Status.IN_PROGRESS).order_by("pk").first()
staff = User.objects.create_user("smoke.staff", "{staff_email}", "{password}")
staff.groups.add(Group.objects.get(name=COMMITTEE_STAFF_GROUP))
# Committee staff must sign in with a second factor: set up as on the two-factor page, with
# one backup code known to the test.
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
TOTPDevice.objects.create(user=staff, name="smoke", confirmed=True)
StaticDevice.objects.create(user=staff, name="backup").token_set.create(token="{backup_code}")
focal = User.objects.create_user("smoke.focal", "{focal_email}", "{password}")
AgencyMembership.objects.create(user=focal, agency=assignment.agency, role=MembershipRole.FOCAL_POINT)
task = f"{{assignment.task.plan.code}} #{{assignment.task.number}}"
print("SMOKE", json.dumps({{"assignment": assignment.pk, "task": task}}))
"""


def prepare(env: dict) -> dict:
    step("migrate, collectstatic, load_initial_data (production settings)")
    manage = [BIN / "python", "manage.py"]
    run(*manage, "migrate", "--noinput", env=env)
    run(*manage, "collectstatic", "--noinput", env=env)
    run(*manage, "load_initial_data", env=env)
    script = PEOPLE.format(
        staff_email=STAFF_EMAIL, focal_email=FOCAL_EMAIL, password=PASSWORD, backup_code=STAFF_BACKUP_CODE
    )
    output = run(*manage, "shell", "-c", script, env=env).stdout
    (line,) = [line for line in output.splitlines() if line.startswith("SMOKE ")]
    return json.loads(line.removeprefix("SMOKE "))


class Site:
    """HTTP to gunicorn as the reverse proxy forwards it: over HTTPS, said in X-Forwarded-Proto."""

    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"

    def request(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        headers = {"X-Forwarded-Proto": "https", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def up(self) -> bool:
        try:
            return self.request("GET", "/accounts/login/")[0] == 200
        except OSError:
            return False

    def token(self, username: str, otp: str = "") -> str:
        status, _headers, body = self.request(
            "POST", "/api/v1/auth/token/", {"username": username, "password": PASSWORD, "otp": otp}
        )
        assert status == 200, (status, body)
        return json.loads(body)["token"]

    def transition(self, token: str, assignment: int, action: str, note: str) -> int:
        body = {"action": action, "note": note}
        status, _headers, content = self.request("POST", f"/api/v1/assignments/{assignment}/transition/", body, token)
        assert status == 200, (action, status, content[:2000])
        return status


def check_the_tracker(site: Site, mailbox: Mailbox, redis: Redis, facts: dict, env: dict) -> None:
    status, headers, page = site.request("GET", "/accounts/login/")
    assert status == 200, status
    assert "Tracker 06" in page.decode()
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert site.request("GET", "/static/tracker/language.js")[0] == 200, "static files are served"

    step("a focal point reports the assignment done through the API; committee staff return it")
    status, _headers, body = site.request(
        "POST", "/api/v1/auth/token/", {"username": "smoke.staff", "password": PASSWORD}
    )
    refused = ("committee staff need their second factor for a token", status, body)
    assert status == 400, refused
    assert b"otp" in body, refused
    focal, staff = site.token("smoke.focal"), site.token("smoke.staff", otp=STAFF_BACKUP_CODE)
    site.transition(focal, facts["assignment"], "report_done", "Đã hoàn thành (kiểm thử triển khai).")
    status, _headers, body = site.request("GET", "/api/v1/notifications/?unread=true", token=staff)
    assert status == 200, status
    told = [n for n in json.loads(body)["results"] if n["kind"] == "reported" and n["task"] and n["task"]["id"]]
    assert told, ("committee staff are told of the report in the app", body[:2000])
    site.transition(staff, facts["assignment"], "return", "Đề nghị bổ sung tài liệu (kiểm thử triển khai).")
    (mail,) = wait_for("the focal point's e-mail about the return", lambda: mailbox.to(FOCAL_EMAIL), seconds=90)
    assert facts["task"] in mail.get_body(("plain",)).get_content(), "the e-mail names the task"
    step(f"the focal point received «{mail['Subject']}»")

    step("Redis stops: the API keeps answering, and a report and a return are saved")
    redis.stop()
    status, _headers, _body = site.request("GET", "/api/v1/assignments/?status=in_progress", token=staff)
    assert status == 200, status
    site.transition(focal, facts["assignment"], "report_done", "Đã bổ sung tài liệu (kiểm thử triển khai).")
    site.transition(staff, facts["assignment"], "return", "Cần thêm văn bản ban hành (kiểm thử triển khai).")
    status, _headers, body = site.request("GET", f"/api/v1/assignments/{facts['assignment']}/", token=staff)
    assert status == 200, status
    assert json.loads(body)["status"] == "in_progress", "the return was saved"

    step("Redis returns: the morning job sends what the outage held back")
    redis.start()
    assert len(mailbox.to(FOCAL_EMAIL)) == 1, "the second return's e-mail waits in the outbox"
    run(BIN / "celery", "-A", "tracker", "call", "notifications.tasks.reminders_daily", env=env)
    wait_for("the held-back e-mail", lambda: len(mailbox.to(FOCAL_EMAIL)) >= 2, seconds=120)
    step(f"the focal point received «{mailbox.to(FOCAL_EMAIL)[1]['Subject']}»")


def main() -> int:
    started = time.monotonic()
    WORK.mkdir(parents=True, exist_ok=True)
    install()
    mailbox, redis = Mailbox(), Redis()
    smtp_port, web_port = free_port(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    redis.start()
    env = production_environment(fresh_database(), redis.url, smtp_port, web_port)
    processes, log = None, WORK / "processes.log"
    try:
        facts = prepare(env)
        step("gunicorn, the worker and beat from deploy/Procfile")
        with log.open("w") as output:
            processes = subprocess.Popen(
                [
                    BIN / "honcho",
                    "start",
                    "-f",
                    "deploy/Procfile",
                    "-d",
                    str(PROJECT),
                    "-e",
                    "/dev/null",
                    "--no-colour",
                ],
                cwd=PROJECT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        site = Site(web_port)
        wait_for("gunicorn", site.up, seconds=60)
        wait_for("the worker", lambda: " ready." in log.read_text(), seconds=60)
        wait_for("beat", lambda: "beat: Starting..." in log.read_text(), seconds=60)
        check_the_tracker(site, mailbox, redis, facts, env)
    except BaseException:
        if log.exists():
            print(log.read_text()[-20000:], file=sys.stderr)
        raise
    finally:
        if processes is not None:
            os.killpg(processes.pid, 15)
            try:
                processes.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(processes.pid, 9)
        if redis.process and redis.process.poll() is None:
            redis.stop()
        controller.stop()
    step(f"passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
