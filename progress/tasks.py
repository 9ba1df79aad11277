from datetime import timedelta

from celery import shared_task
from django.core.files.storage import default_storage
from django.utils import timezone

# Uploads wait here between an import's preview and its confirmation (guide, member and
# steering-table imports).
IMPORTS_FOLDER = "imports"
# A preview left longer than this was abandoned: nobody confirms an import a day later.
ABANDONED_AFTER = timedelta(days=1)


@shared_task
def purge_abandoned_imports() -> int:
    """Delete the uploads of imports nobody confirmed nor cancelled; return how many."""
    if not default_storage.exists(IMPORTS_FOLDER):
        return 0
    limit = timezone.now() - ABANDONED_AFTER
    _folders, files = default_storage.listdir(IMPORTS_FOLDER)
    purged = 0
    for name in files:
        path = f"{IMPORTS_FOLDER}/{name}"
        if default_storage.get_modified_time(path) < limit:
            default_storage.delete(path)
            purged += 1
    return purged
