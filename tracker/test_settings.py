"""Settings for the test suite: the real settings, with a test-only key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "tracker06-test-only")

from tracker.settings import *  # noqa: F403

# The test client and the live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10000/minute", "user": "100000/minute"}}  # noqa: F405
# Serve static files from the finders: the suite never runs collectstatic.
WHITENOISE_AUTOREFRESH = True
# The test worker consumes its own queue, never messages meant for a running tracker, nor
# those of another pytest-xdist worker running beside it.
CELERY_TASK_DEFAULT_QUEUE = "tracker-tests" + os.environ.get("PYTEST_XDIST_WORKER", "")
# The broker is polled every 50 ms instead of every second: a task reaches the test worker
# sooner, and the worker stops in a tenth of a second on Redis instead of one.
CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "polling_interval": 0.05}  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the Celery test worker's thread reads and writes it beside the
    # test, which an in-memory database's table locks would refuse.
    DATABASES["default"]["TEST"] = {"NAME": str(RUN_DIR / "test-db.sqlite3")}  # noqa: F405
MEDIA_ROOT = RUN_DIR / "test-media"  # noqa: F405
# Retries a second apart at most, so the worker tests see a retry without waiting minutes
# (Celery's task options are read when the tasks module is imported: a test cannot change them).
TRACKER_SENDING = {**TRACKER_SENDING, "backoff_seconds": 1, "backoff_max_seconds": 1}  # noqa: F405
# The suite signs users in without a second factor; tests/accounts/test_two_factor.py turns
# the enforcement of production back on.
TWO_FACTOR_ENFORCED = False
