"""Settings for the test suite: the real settings, with a test-only key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "tracker06-test-only")

from tracker.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
