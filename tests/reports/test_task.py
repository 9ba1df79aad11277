"""The build task of the reports: a request becomes a version (or points to an existing one),
once, whatever the retries, the redeliveries and the workers that die on the way.

Tasks run in-process here (the embedded default); tests/reports/test_worker.py runs them on
real workers."""

import datetime
import hashlib
import io
import logging
import threading
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.db import (
    IntegrityError,
    OperationalError,
    close_old_connections,
    connection,
    transaction,
)
from django.utils import timezone
from pypdf import PdfReader

from demarches.models import ThemeChoice
from progress.celery import app as celery_app
from reports import rendering, services, tasks
from reports.models import Report, ReportQuerySet
from tests.demarches.factories import AnswerFactory

pytestmark = pytest.mark.django_db

FULL = Report.Kind.FULL


@pytest.fixture
def answer(cycle):
    answer = AnswerFactory(
        cycle=cycle,
        situation="Les salariés sont informés des décisions en réunion mensuelle.",
        objective_1y="Associer les bénévoles aux réunions.",
    )
    ThemeChoice.objects.create(cycle=cycle, theme=answer.domain.theme, is_retained=True)
    AnswerFactory(
        cycle=cycle,
        domain=answer.domain,
        item__domain=answer.domain,
        item__indicator=True,
        value=Decimal("42"),
        target_1y=Decimal("50"),
    )
    return answer


def ask(django_capture_on_commit_callbacks, cycle, by, kind=FULL) -> Report:
    """Ask for a report as the page does: the task runs once the request is committed."""
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(kind=kind, cycle=cycle, by=by)
    report.refresh_from_db()
    return report


def stored_pdfs(settings) -> list[str]:
    folder = settings.MEDIA_ROOT / "reports"
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*.pdf"))


def pdf_text(report: Report) -> str:
    with report.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_it_turns_a_request_into_version_1_with_its_checksum_and_pages(
    django_capture_on_commit_callbacks, cycle, pilot, answer
):
    report = ask(django_capture_on_commit_callbacks, cycle, pilot)

    assert report.status == Report.Status.READY
    assert (report.number, report.attempts, report.same_as) == (1, 1, None)
    with report.file.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == report.checksum
    assert report.size == len(data)
    assert report.pages == len(PdfReader(io.BytesIO(data)).pages) >= 1
    assert report.file.name == f"reports/cycle-{cycle.pk}/rapport-ag-les-jardins-du-val-2026-v1.pdf"
    assert "Les Jardins du Val" in pdf_text(report)
    assert report.stage == "" and report.finished_at is not None


def test_the_synthesis_gets_its_own_name_and_numbers(
    django_capture_on_commit_callbacks, cycle, pilot, answer
):
    ask(django_capture_on_commit_callbacks, cycle, pilot)
    synthesis = ask(django_capture_on_commit_callbacks, cycle, pilot, Report.Kind.SYNTHESIS)

    assert synthesis.number == 1
    assert synthesis.file.name.endswith("/synthese-les-jardins-du-val-2026-v1.pdf")


def test_asking_again_with_unchanged_data_points_to_the_existing_version(
    django_capture_on_commit_callbacks, settings, cycle, pilot, answer
):
    first = ask(django_capture_on_commit_callbacks, cycle, pilot)
    again = ask(django_capture_on_commit_callbacks, cycle, pilot)

    assert again.pk != first.pk
    assert again.status == Report.Status.READY
    assert again.same_as == first
    assert (again.number, again.file.name, again.checksum) == (None, "", "")
    assert list(Report.objects.versions()) == [first]
    assert stored_pdfs(settings) == [f"cycle-{cycle.pk}/rapport-ag-les-jardins-du-val-2026-v1.pdf"]


def test_a_changed_answer_gives_version_2_and_leaves_version_1_as_it_was(
    django_capture_on_commit_callbacks, settings, cycle, pilot, answer
):
    first = ask(django_capture_on_commit_callbacks, cycle, pilot)
    answer.situation = "Les bénévoles participent désormais aux réunions mensuelles."
    answer.save()

    second = ask(django_capture_on_commit_callbacks, cycle, pilot)

    assert (second.number, second.same_as) == (2, None)
    assert second.checksum != first.checksum
    assert "participent désormais" in pdf_text(second).replace("\n", " ")
    assert len(stored_pdfs(settings)) == 2
    kept = Report.objects.get(pk=first.pk)
    assert (kept.number, kept.checksum, kept.file.name) == (1, first.checksum, first.file.name)


def test_building_the_same_request_twice_makes_one_version(cycle, pilot, answer):
    report = Report.objects.create(kind=FULL, cycle=cycle, year=cycle.year, requested_by=pilot)

    services.build(report.pk)
    again = services.build(report.pk)  # a redelivered task, a retry: nothing left to do

    assert again.pk == report.pk
    assert (again.status, again.number, again.attempts) == (Report.Status.READY, 1, 1)
    assert Report.objects.versions().count() == 1


def test_asking_twice_while_building_gives_the_request_in_flight(
    django_capture_on_commit_callbacks, cycle, pilot, answer
):
    with django_capture_on_commit_callbacks() as callbacks:  # no worker took it yet
        first = services.request_report(kind=FULL, cycle=cycle, by=pilot)
        second = services.request_report(kind=FULL, cycle=cycle, by=pilot)

    assert second.pk == first.pk
    assert len(callbacks) == 1  # one task for one request
    assert Report.objects.count() == 1


def test_two_people_asking_at_the_same_instant_get_the_same_request(
    django_capture_on_commit_callbacks, monkeypatch, cycle, pilot, answer
):
    theirs = Report.objects.create(kind=FULL, cycle=cycle, year=cycle.year)
    # Our look-up ran just before their request was committed: it found none.
    looked_up = ReportQuerySet.in_flight
    calls = []

    def in_flight(queryset):
        calls.append(queryset)
        return queryset.none() if len(calls) == 1 else looked_up(queryset)

    monkeypatch.setattr(ReportQuerySet, "in_flight", in_flight)

    with django_capture_on_commit_callbacks() as callbacks:
        mine = services.request_report(kind=FULL, cycle=cycle, by=pilot)

    assert mine.pk == theirs.pk
    assert callbacks == []  # their request is already queued
    assert Report.objects.count() == 1


def test_the_database_refuses_a_second_request_in_flight_for_the_same_document(
    cycle, pilot, answer
):
    Report.objects.create(kind=FULL, cycle=cycle, year=cycle.year, status=Report.Status.RUNNING)
    # Another kind of document is another request.
    Report.objects.create(kind=Report.Kind.SYNTHESIS, cycle=cycle, year=cycle.year)

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(kind=FULL, cycle=cycle, year=cycle.year)


def test_a_frozen_version_is_never_deleted_and_keeps_its_file(
    django_capture_on_commit_callbacks, settings, cycle, pilot, answer
):
    version = ask(django_capture_on_commit_callbacks, cycle, pilot)
    services.freeze(version, for_date=datetime.date(2027, 6, 12), by=pilot)

    with pytest.raises(services.ValidationError):
        services.delete_version(version)

    assert Report.objects.filter(pk=version.pk).exists()
    assert len(stored_pdfs(settings)) == 1


def test_a_version_that_is_not_frozen_is_deleted_with_its_file(
    django_capture_on_commit_callbacks, settings, cycle, pilot, answer
):
    version = ask(django_capture_on_commit_callbacks, cycle, pilot)
    request = ask(django_capture_on_commit_callbacks, cycle, pilot)  # points to the version

    with django_capture_on_commit_callbacks(execute=True):
        services.delete_version(version)
        assert stored_pdfs(settings) != []  # the PDF goes once the deletion is committed

    assert not Report.objects.versions().exists()
    assert not Report.objects.filter(pk=request.pk).exists()
    assert stored_pdfs(settings) == []


def test_a_deleted_version_number_is_never_given_again(
    django_capture_on_commit_callbacks, cycle, pilot, answer
):
    first = ask(django_capture_on_commit_callbacks, cycle, pilot)
    answer.situation = "Les bénévoles participent désormais aux réunions."
    answer.save()
    second = ask(django_capture_on_commit_callbacks, cycle, pilot)
    assert (first.number, second.number) == (1, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_version(second)
    answer.situation = "Les bénévoles votent en assemblée."
    answer.save()
    third = ask(django_capture_on_commit_callbacks, cycle, pilot)
    assert third.number == 3  # a board member's "version 2" stays the one they downloaded
    assert list(Report.objects.versions().values_list("number", flat=True).order_by("number")) == [
        1,
        3,
    ]


def test_a_request_being_built_cannot_be_deleted(cycle, pilot, answer):
    report = Report.objects.create(kind=FULL, cycle=cycle, year=cycle.year)

    with pytest.raises(services.ValidationError):
        services.delete_version(report)


def test_a_later_build_leaves_the_frozen_version_as_it_was(
    django_capture_on_commit_callbacks, settings, cycle, pilot, answer
):
    frozen = ask(django_capture_on_commit_callbacks, cycle, pilot)
    services.freeze(frozen, for_date=datetime.date(2027, 6, 12), by=pilot)
    with frozen.file.open("rb") as handle:
        data = handle.read()

    same = ask(django_capture_on_commit_callbacks, cycle, pilot)
    answer.objective_1y = "Un objectif revu après l'AG."
    answer.save()
    newer = ask(django_capture_on_commit_callbacks, cycle, pilot)

    assert same.same_as == frozen
    assert newer.number == 2
    kept = Report.objects.get(pk=frozen.pk)
    assert (kept.frozen_for, kept.number, kept.checksum) == (
        datetime.date(2027, 6, 12),
        1,
        frozen.checksum,
    )
    with kept.file.open("rb") as handle:
        assert handle.read() == data


def test_a_file_left_by_a_worker_killed_before_its_commit_is_replaced(
    django_capture_on_commit_callbacks, settings, cycle, pilot, answer
):
    # The worker wrote the PDF, then died before the row said "ready".
    leftover = settings.MEDIA_ROOT / "reports" / f"cycle-{cycle.pk}"
    leftover.mkdir(parents=True)
    (leftover / "rapport-ag-les-jardins-du-val-2026-v1.pdf").write_bytes(b"half a PDF")

    report = ask(django_capture_on_commit_callbacks, cycle, pilot)

    assert report.file.name.endswith("/rapport-ag-les-jardins-du-val-2026-v1.pdf")
    with report.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == report.checksum
    assert len(stored_pdfs(settings)) == 1


# --- Failures -----------------------------------------------------------------------------


def test_a_server_without_pango_fails_the_request_with_the_reason(
    django_capture_on_commit_callbacks, monkeypatch, cycle, pilot, answer
):
    def unavailable():
        raise rendering.LayoutUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(rendering, "_weasyprint", unavailable)

    report = ask(django_capture_on_commit_callbacks, cycle, pilot)

    assert report.status == Report.Status.FAILED
    assert report.failure_reason.startswith(
        "La bibliothèque de mise en page PDF ne peut pas fonctionner sur ce serveur "
        "(cannot load library 'libpango-1.0-0')."
    )
    assert (report.file.name, report.number, report.stage) == ("", None, "")


def test_an_unexpected_error_fails_the_request_and_is_logged(
    django_capture_on_commit_callbacks, monkeypatch, caplog, cycle, pilot, answer
):
    def broken(report):
        raise ZeroDivisionError("a bug in the context")

    monkeypatch.setattr("reports.cycle_report.full_context", broken)

    with caplog.at_level(logging.ERROR, logger="reports.tasks"):
        report = ask(django_capture_on_commit_callbacks, cycle, pilot)

    assert report.status == Report.Status.FAILED
    assert report.failure_reason == (
        "Une erreur inattendue a interrompu la mise en page. L'équipe technique est "
        "prévenue ; réessayez plus tard."
    )
    (record,) = caplog.records
    assert record.getMessage() == f"report {report.pk} could not be built"
    assert record.exc_info[0] is ZeroDivisionError


def test_a_failed_request_can_be_asked_again(
    django_capture_on_commit_callbacks, monkeypatch, cycle, pilot, answer
):
    monkeypatch.setattr("reports.cycle_report.full_context", lambda report: 1 / 0)
    failed = ask(django_capture_on_commit_callbacks, cycle, pilot)
    monkeypatch.undo()

    report = ask(django_capture_on_commit_callbacks, cycle, pilot)

    assert failed.status == Report.Status.FAILED
    assert (report.status, report.number) == (Report.Status.READY, 1)


# --- Requests left behind by a dead worker ---------------------------------------------------


def left_running(cycle, *, minutes_ago, attempts=1) -> Report:
    """A request a worker started `minutes_ago`, then died (no exception, no trace)."""
    then = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    return Report.objects.create(
        kind=FULL,
        cycle=cycle,
        year=cycle.year,
        status=Report.Status.RUNNING,
        stage="Mise en page",
        attempts=attempts,
        requested_at=then,
        started_at=then,
    )


def test_a_request_left_running_by_a_dead_worker_is_resumed_and_completes(
    django_capture_on_commit_callbacks, settings, cycle, answer
):
    report = left_running(cycle, minutes_ago=20)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.resume_interrupted.delay().get() == 1

    report.refresh_from_db()
    assert (report.status, report.number, report.attempts) == (Report.Status.READY, 1, 2)
    assert len(stored_pdfs(settings)) == 1


def test_the_sweep_of_interrupted_requests_is_scheduled():
    schedule = celery_app.conf.beat_schedule.values()
    assert any(entry["task"] == "reports.tasks.resume_interrupted" for entry in schedule)


def test_a_request_still_being_built_is_left_to_its_worker(
    django_capture_on_commit_callbacks, cycle, answer
):
    report = left_running(cycle, minutes_ago=2)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.resume_interrupted() == 0

    report.refresh_from_db()
    assert (report.status, report.attempts) == (Report.Status.RUNNING, 1)


def test_a_request_interrupted_too_often_fails_with_the_reason(
    django_capture_on_commit_callbacks, cycle, answer
):
    report = left_running(cycle, minutes_ago=20, attempts=services.MAX_ATTEMPTS)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.resume_interrupted() == 0

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.failure_reason == (
        "La génération a été interrompue 3 fois ; demandez-la à nouveau."
    )
    assert report.number is None


def test_a_task_redelivered_after_its_last_attempt_died_fails_instead_of_retrying_forever(
    cycle, answer
):
    # The broker hands the task of a killed worker to the next one, each time.
    report = left_running(cycle, minutes_ago=1, attempts=services.MAX_ATTEMPTS)

    tasks.build_report.delay(report.pk)

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert "interrompue 3 fois" in report.failure_reason
    assert report.attempts == services.MAX_ATTEMPTS


def test_a_request_resumed_after_another_worker_finished_it_stays_one_version(
    django_capture_on_commit_callbacks, settings, cycle, answer
):
    report = left_running(cycle, minutes_ago=20)
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.resume_interrupted() == 1
    services.build(report.pk)  # the broker's redelivery got there first

    for callback in callbacks:  # then the sweep's task runs
        callback()

    report.refresh_from_db()
    assert (report.status, report.number, report.attempts) == (Report.Status.READY, 1, 2)
    assert Report.objects.versions().count() == 1
    assert len(stored_pdfs(settings)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_building_the_same_request_at_once_make_one_version(settings, cycle, answer):
    report = Report.objects.create(kind=FULL, cycle=cycle, year=cycle.year)
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait(timeout=10)
            services.build(report.pk)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    report.refresh_from_db()
    assert (report.status, report.number) == (Report.Status.READY, 1)
    assert Report.objects.versions().count() == 1
    assert len(stored_pdfs(settings)) == 1


def test_a_database_that_keeps_failing_fails_the_request_at_the_last_attempt(
    monkeypatch, cycle, answer
):
    report = Report.objects.create(kind=FULL, cycle=cycle, year=cycle.year)

    def unreachable(*args):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(rendering, "pdf", unreachable)

    for retries in range(services.MAX_ATTEMPTS - 1):
        with pytest.raises(Retry):  # the broker runs it again a moment later
            tasks.build_report.apply(args=[report.pk], retries=retries)
        report.refresh_from_db()
        assert report.status == Report.Status.RUNNING
    with pytest.raises(OperationalError):  # the last attempt: no retry any more
        tasks.build_report.apply(args=[report.pk], retries=services.MAX_ATTEMPTS - 1)

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED
    assert report.failure_reason == (
        "La base de données n'a pas répondu ; demandez à nouveau le rapport."
    )
    assert report.attempts == services.MAX_ATTEMPTS
