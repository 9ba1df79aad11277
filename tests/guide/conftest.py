import importlib

import pytest
from django.apps import apps

from guide.models import Guide


@pytest.fixture
def national_guide(db):
    """The national guide as the data migration ships it.

    Tests with real commits (a live server) start from an emptied database: the migration's
    data is gone, so load it again the way the migration does."""
    if not Guide.objects.national().exists():
        migration = importlib.import_module("guide.migrations.0002_national_guide")
        migration.load_national_guide(apps, None)
    return Guide.objects.national().get(edition="2016")
