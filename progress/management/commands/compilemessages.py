from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    """Compile the project's catalogues (.po → .mo) in pure Python.

    Django's own command needs GNU gettext, which a fresh machine does not have; Django and
    the libraries we use ship their catalogues already compiled, so ours are all that is left.
    """

    help = "Compiles the project's translation catalogues (LOCALE_PATHS) without GNU gettext."

    def handle(self, *args, **options):
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                self.stdout.write(f"{po_path.relative_to(settings.BASE_DIR)} compiled")
