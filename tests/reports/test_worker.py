"""The report task on real Celery workers with Redis: a report asked for on the page is built
by a worker, and a worker killed in the middle of a build leaves a report that another worker
completes, once."""

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from progress.celery import app as celery_app
from reports import services
from reports.models import Report
from tests.conftest import celery_conf

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# The broker's default queue: the queue these workers consume, emptied before and after.
QUEUE = "celery"


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def broker():
    """The tests' Redis database, without messages left by an earlier test or run."""
    url = os.environ["REDIS_URL"]
    client = redis.Redis.from_url(url)
    leftovers = (QUEUE, "unacked", "unacked_index", "unacked_mutex")
    client.delete(*leftovers)
    with celery_conf(task_always_eager=False, broker_url=url):
        yield url
    client.delete(*leftovers)


def pdf_text(report: Report) -> str:
    with report.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def stored_pdfs() -> list[Path]:
    return sorted((Path(django_settings.MEDIA_ROOT) / "reports").rglob("*.pdf"))


def test_a_real_worker_builds_the_report_asked_for_on_the_page(client, broker, cycle, pilot):
    client.force_login(pilot)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post(reverse("reports:request", args=[cycle.pk]), {"kind": "full"})
        assert response.status_code == 302
        report = Report.objects.get(cycle=cycle)
        assert response.url == report.get_absolute_url()

        def ready():
            report.refresh_from_db()
            return report.status not in Report.IN_FLIGHT

        assert wait_for(ready, timeout=30), f"still {report.status} ({report.stage}) after 30 s"

    assert (report.status, report.failure_reason) == (Report.Status.READY, "")
    assert report.number == 1
    assert "Les Jardins du Val" in pdf_text(report)


# --- A worker killed mid-task ----------------------------------------------------------------


def database_url() -> str:
    """The test database, for a worker in another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"  # a file during tests (progress/settings.py)
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    host = db["HOST"] or "localhost"
    return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker_process(broker_url: str, log: Path, **env) -> subprocess.Popen:
    """`celery worker` in a process of its own, on the test database and media folder."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker_url,
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "progress.settings",
        # A dead worker's task is handed to the next worker after 3 s instead of an hour.
        "CELERY_VISIBILITY_TIMEOUT": "3",
        **env,
    }
    command = [sys.executable, "-m", "celery", "-A", "progress", "worker", "--pool=solo"]
    command += ["-Q", QUEUE, "--concurrency=1", "--loglevel=INFO", f"--hostname={log.stem}@%h"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
    with log.open("w") as output:
        return subprocess.Popen(
            command,
            cwd=django_settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)


def test_a_worker_killed_mid_build_leaves_a_report_the_next_worker_completes_once(
    broker, tmp_path, cycle, pilot
):
    workers = []
    logs = []

    def worker_log(name):
        logs.append(tmp_path / f"{name}.log")
        return logs[-1]

    try:
        # The first worker stops for 30 s once the pages are laid out: time to kill it.
        workers.append(
            start_worker_process(broker, worker_log("first"), REPORTS_PAUSE_AFTER_LAYOUT="30")
        )
        report = services.request_report(kind=Report.Kind.FULL, cycle=cycle, by=pilot)

        def laid_out():
            report.refresh_from_db()
            return report.stage == "Enregistrement du PDF"  # past the layout, before the save

        assert wait_for(laid_out, timeout=40), f"the first worker did not lay out: {report}"

        workers[0].send_signal(signal.SIGKILL)  # no warm shutdown, nothing acknowledged
        workers[0].wait(timeout=10)
        report.refresh_from_db()
        assert (report.status, report.attempts) == (Report.Status.RUNNING, 1)

        # The second worker finds the message the first one never acknowledged.
        workers.append(start_worker_process(broker, worker_log("second")))

        def done():
            report.refresh_from_db()
            return report.status not in Report.IN_FLIGHT

        assert wait_for(done, timeout=60), f"the report is still {report.status}"
    except AssertionError:
        for log in logs:
            print(f"--- {log.name}\n{log.read_text()}")
        raise
    finally:
        for worker in workers:
            stop(worker)

    assert (report.status, report.number, report.attempts) == (Report.Status.READY, 1, 2)
    assert Report.objects.filter(cycle=cycle).count() == 1
    assert Report.objects.versions().count() == 1
    assert [path.name for path in stored_pdfs()] == ["rapport-ag-les-jardins-du-val-2026-v1.pdf"]
    assert "Les Jardins du Val" in pdf_text(report)
