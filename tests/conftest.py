"""Test safety nets and the markers for tests that need a real service.

A test marked `postgres`, `redis` or `browser` skips with the reason when the service is
missing on a laptop, and fails instead when CI=true: CI must never pass by skipping them.
"""

import importlib
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from guide.models import Guide
from progress.celery import app as celery_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in the test's thread; the test's own ORM calls
# (factories, assertions) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} — CI=true, so this test must run, not skip.", pytrace=False)
    pytest.skip(reason)


def redis_is_reachable() -> bool:
    url = os.environ.get("REDIS_URL")
    if not url:
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        _unavailable("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if item.get_closest_marker("redis") and not redis_is_reachable():
        _unavailable("needs a reachable Redis: set REDIS_URL=redis://…")
    if item.get_closest_marker("browser") and not CHROMIUM.exists():
        _unavailable(f"needs Debian's Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher takes a good part of a second per password, on purpose; tests create
    # hundreds of accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_in_process():
    """Tasks run eagerly in tests; the `celery_worker` fixture switches to a real worker."""
    celery_app.conf.task_always_eager = True
    yield


@contextmanager
def celery_conf(**values):
    """Change Celery settings for a block (monkeypatch cannot restore Celery's lazy settings)."""
    saved = {key: celery_app.conf[key] for key in values}
    celery_app.conf.update(values)
    try:
        yield
    finally:
        celery_app.conf.update(saved)


# --- Playwright with Debian's Chromium (never `playwright install`) ---------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture
def page(page):
    """Every browser test fails on a console error, such as a Content-Security-Policy violation."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == [], f"the browser console reported errors: {errors}"


@pytest.fixture
def national_guide(db):
    """The national guide as the data migration ships it.

    Tests with real commits (a live server) start from an emptied database: the migration's
    data is gone, so load it again the way the migration does."""
    if not Guide.objects.national().exists():
        migration = importlib.import_module("guide.migrations.0002_national_guide")
        migration.load_national_guide(apps, None)
    return Guide.objects.national().get(edition="2016")
