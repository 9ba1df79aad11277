import os
import time

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from progress import tasks
from progress.celery import app as celery_app


def test_uploads_of_abandoned_imports_are_purged_and_recent_ones_kept():
    old = default_storage.save("imports/old.xlsx", ContentFile(b"x"))
    recent = default_storage.save("imports/recent.csv", ContentFile(b"x"))
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))

    assert tasks.purge_abandoned_imports() == 1
    assert not default_storage.exists(old)
    assert default_storage.exists(recent)


def test_nothing_to_purge_before_the_first_import():
    assert tasks.purge_abandoned_imports() == 0


def test_the_purge_is_scheduled():
    schedule = celery_app.conf.beat_schedule
    assert any(
        entry["task"] == "progress.tasks.purge_abandoned_imports" for entry in schedule.values()
    )
