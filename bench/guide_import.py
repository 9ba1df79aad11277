"""Import of a 500-item guide: into a new guide, then the export of it back (which changes nothing).

    DJANGO_SETTINGS_MODULE=progress.settings .venv/bin/python bench/guide_import.py

It always runs on a scratch SQLite file in a temporary directory (whatever DATABASE_URL says,
never db.sqlite3), migrates it, and prints the time (ms) and SQL queries of each step, first
called as functions, then through the pages (upload, preview, confirmation). The issue's bar:
a 500-item guide imports in well under 2 s.
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
from openpyxl import Workbook  # noqa: E402

from guide import exports, imports  # noqa: E402
from guide.imports import Status  # noqa: E402
from guide.models import Guide  # noqa: E402
from members.models import Network, Role, User  # noqa: E402
from progress.lib import xlsx  # noqa: E402

THEMES, DOMAINS_PER_THEME, ITEMS_PER_DOMAIN = 5, 10, 10  # 500 items


def workbook_500() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Guide"
    sheet.append([exports.header(key) for key in exports.HEADERS])
    for t in range(1, THEMES + 1):
        for d in range(1, DOMAINS_PER_THEME + 1):
            for i in range(1, ITEMS_PER_DOMAIN + 1):
                indicator = i % 3 == 0
                sheet.append(
                    [
                        str(t),
                        f"Thème {t} : une part de la démarche de progrès",
                        f"Thème {t}",
                        "Ce qui est en jeu pour les structures, en quelques phrases. " * 3,
                        f"{t}.{d}",
                        f"Domaine d'action {t}.{d}",
                        f"{t}.{d}.{i}",
                        "Indicateur" if indicator else "Question",
                        f"Libellé de l'élément {t}.{d}.{i}, d'une longueur habituelle ?",
                        "%" if indicator else None,
                        "Une aide qui explique ce que l'on attend, et comment y répondre. " * 2,
                        "Un exemple concret tiré d'une structure." if i % 2 else None,
                        "Non",
                    ]
                )
    return xlsx.workbook_bytes(book)


@contextmanager
def measure(label: str):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        yield
        elapsed = (time.perf_counter() - start) * 1000
    print(f"  {label:<44} {elapsed:8.1f} ms {len(queries):6} queries")


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("guide.xlsx", content, content_type=xlsx.CONTENT_TYPE)


def counts(plan) -> str:
    return ", ".join(f"{status.value} {plan.count(status)}" for status in Status)


def main():
    call_command("migrate", verbosity=0)
    setup_test_environment()  # lets the test client in (ALLOWED_HOSTS)
    network = Network.objects.create(name="Réseau du banc d'essai")
    person = User.objects.create_user("bench@example.org", "bench-passphrase", full_name="Banc")
    Role.objects.create(person=person, kind=Role.Kind.FACILITATOR, network=network)
    content = workbook_500()
    print(f"Scratch database: {SCRATCH / 'bench.sqlite3'}")
    print(f"Workbook: 500 items, {len(content) / 1024:.0f} KiB\n")

    print("As functions")
    with measure("read and check the file (new guide)"):
        book = xlsx.open_workbook(upload(content))
        rows = xlsx.read_rows(book["Guide"])
        lines, problems = imports.read_lines(rows)
    assert not problems, problems
    with measure("plan (the preview's content)"):
        plan = imports.make_plan(lines, None)
    with measure("apply into a new guide"):
        guide = imports.apply(plan, by=person, title="Guide A", edition="2026", network=network)
    print(f"  → {counts(plan)}")
    exported = exports.export_guide(guide)
    with measure("re-import its export: read, check, plan"):
        plan = imports.parse(upload(exported), guide)
    with measure("re-import its export: apply"):
        imports.apply(plan, by=person)
    print(f"  → {counts(plan)}")

    print("\nThrough the pages (upload, preview, confirmation)")
    client = Client()
    client.force_login(person)
    for label, target, file in [
        ("new guide", None, content),
        ("re-import", guide, exported),
    ]:
        data = {"file": upload(file), "title": "Guide B", "edition": "2026", "network": network.pk}
        if target:
            data["guide"] = target.pk
        with measure(f"{label}: upload"):
            response = client.post(reverse("guide:import"), data)
        assert response.status_code == 302, response.content
        with measure(f"{label}: preview page"):
            response = client.get(reverse("guide:import_preview"))
        assert response.status_code == 200
        print(f"  → {counts(response.context['plan'])}")
        with measure(f"{label}: confirmation (apply)"):
            response = client.post(reverse("guide:import_preview"))
        assert response.status_code == 302, response.content
    assert Guide.objects.get(title="Guide B").items.count() == 500


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
