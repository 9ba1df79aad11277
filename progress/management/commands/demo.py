from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from demarches import demo as demarches_demo
from guide import demo as guide_demo
from members import demo
from parcours import demo as parcours_demo
from reports import demo as reports_demo


class Command(BaseCommand):
    help = "Loads the demo data (safe to run again: nothing is duplicated) and prints the logins."

    def handle(self, *args, **options):
        with transaction.atomic():
            logins = demo.load()
            guide_demo.load()
            demarches_demo.load()
            parcours_demo.load()
            reports_demo.load()
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
        self.stdout.write(
            _("Demo logins (password for all: %(password)s):") % {"password": demo.PASSWORD}
        )
        for email, description in logins:
            self.stdout.write(f"  {email:<50} {description}")
