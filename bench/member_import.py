"""Import of a 2,000-row member list (CSV) into a fresh network, then the same file again.

    .venv/bin/python bench/member_import.py

It always runs on a scratch SQLite file in a temporary directory (whatever DATABASE_URL says,
never db.sqlite3), migrates it, and prints the time (ms) and SQL queries of each step, first
called as functions, then through the pages (upload, columns, preview, confirmation). The
issue's bar: 2,000 rows well under 2 s.
"""

import os
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

SCRATCH = Path(tempfile.mkdtemp(prefix="progress-bench-"))
os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(SCRATCH / "media")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "progress.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from members import imports  # noqa: E402
from members.imports import Status  # noqa: E402
from members.models import Network, Role, User  # noqa: E402

ROWS = 2000
HEADERS = [
    "Raison sociale",
    "N° SIRET",
    "Forme juridique",
    "Effectif",
    "Secteur d'activité",
    "Adresse",
    "Code postal",
    "Ville",
    "Département",
    "Région",
    "Site internet",
    "Date d'adhésion",
]
KINDS = ["Association loi 1901", "SCOP", "SCIC", "Mutuelle", "Fondation", "SAS ESUS"]


def siret(number: int) -> str:
    body = f"{number + 1_000_000_000_000:013d}"
    for last in "0123456789":
        total = 0
        for position, digit in enumerate(reversed(body + last)):
            n = int(digit) * (2 if position % 2 else 1)
            total += n - 9 if n > 9 else n
        if total % 10 == 0:
            return body + last
    raise AssertionError


def member_csv() -> bytes:
    """As Excel in France saves it: Windows-1252, semicolons, CRLF; a third without SIRET."""
    lines = [";".join(HEADERS)]
    for n in range(ROWS):
        lines.append(
            ";".join(
                [
                    f"Régie de quartier « Les Étangs » n° {n}",
                    siret(n) if n % 3 else "",
                    KINDS[n % len(KINDS)],
                    str(n % 80),
                    "Insertion par l'activité économique",
                    f"{n} rue de la Solidarité",
                    f"{80000 + n % 900:05d}",
                    "Amiens",
                    "Somme",
                    "Hauts-de-France",
                    f"www.structure-{n}.example.org",
                    f"{n % 28 + 1:02d}/09/2019",
                ]
            )
        )
    return "\r\n".join(lines).encode("cp1252")


@contextmanager
def measure(label: str):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        yield
        elapsed = (time.perf_counter() - start) * 1000
    print(f"  {label:<44} {elapsed:8.1f} ms {len(queries):6} queries")


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("adherents.csv", content, content_type="text/csv")


def counts(plan) -> str:
    return ", ".join(f"{status.value} {plan.count(status)}" for status in Status) + (
        f", errors {plan.skipped}"
    )


def facilitator_of(name: str):
    network = Network.objects.create(name=name)
    person = User.objects.create_user(
        f"{network.pk}@bench.example.org", "bench-passphrase", full_name="Banc"
    )
    Role.objects.create(person=person, kind=Role.Kind.FACILITATOR, network=network)
    return network, person


def main():
    call_command("migrate", verbosity=0)
    setup_test_environment()  # lets the test client in (ALLOWED_HOSTS)
    content = member_csv()
    print(f"Scratch database: {SCRATCH / 'bench.sqlite3'}")
    print(f"CSV: {ROWS} rows, {len(content) / 1024:.0f} KiB\n")

    print("As functions")
    network, _person = facilitator_of("Réseau A")
    total = time.perf_counter()
    with measure("read the file"):
        table = imports.read_table(upload(content))
    mapping = imports.propose_mapping(table.headers)
    with measure("parse (check, match: the preview's content)"):
        plan = imports.parse(table, mapping, network)
    with measure("apply into a fresh network"):
        imports.apply(plan)
    print(f"  → {counts(plan)}")
    print(f"  {'total, first import':<44} {(time.perf_counter() - total) * 1000:8.1f} ms")
    total = time.perf_counter()
    with measure("re-import: read, parse"):
        plan = imports.parse(imports.read_table(upload(content)), mapping, network)
    with measure("re-import: apply"):
        imports.apply(plan)
    print(f"  → {counts(plan)}")
    print(f"  {'total, re-import':<44} {(time.perf_counter() - total) * 1000:8.1f} ms")

    print("\nThrough the pages, into a second network (the structures join it)")
    network, person = facilitator_of("Réseau B")
    client = Client()
    client.force_login(person)
    query = f"?reseau={network.pk}"
    for label in ["first import", "re-import"]:
        with measure(f"{label}: upload"):
            response = client.post(reverse("members:import") + query, {"file": upload(content)})
        assert response.status_code == 302, response.content
        with measure(f"{label}: columns (page, then its form)"):
            page = client.get(reverse("members:import") + query)
            response = client.post(
                reverse("members:import") + query,
                {"step": "mapping", **page.context["mapping_form"].initial},
            )
        assert response.status_code == 302, response.content
        with measure(f"{label}: preview page"):
            response = client.get(reverse("members:import_preview") + query)
        assert response.status_code == 200
        print(f"  → {counts(response.context['plan'])}")
        with measure(f"{label}: confirmation (apply)"):
            response = client.post(reverse("members:import_preview") + query)
        assert response.status_code == 302, response.content
    assert network.structures.count() == ROWS


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
