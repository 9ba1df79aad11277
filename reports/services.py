"""Asking for a report, building it (the Celery task's work), freezing a version for the AG.

Building is idempotent: a request already done is left as it is, a request whose data gives
the same document as an existing version points to that version, and only one worker can
turn a request into a version (the row is locked when the result is written). A worker
killed mid-build leaves the request running; the broker hands the task to another worker
(acks_late), or `resume_interrupted` puts it back in the queue. Each run counts an attempt on
the request: after MAX_ATTEMPTS it fails with the reason instead of going round forever.
"""

import datetime
import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from reports import documents, rendering
from reports.models import Report

MAX_ATTEMPTS = 3
# A request still running after this long was left by a worker that died.
INTERRUPTED_AFTER = datetime.timedelta(minutes=10)


def request_report(*, kind: str, by, cycle=None, network=None, year=None) -> Report:
    """Ask for a report; it is built by a task once the request is committed. A request
    already waiting or running for the same document is returned instead of a second one."""
    subject = {"cycle": cycle} if cycle is not None else {"network": network}
    year = cycle.year if cycle is not None else year
    document = Report.objects.in_flight().filter(kind=kind, year=year, **subject)
    in_flight = document.first()
    if in_flight is not None:
        return in_flight
    try:
        with transaction.atomic():
            report = Report.objects.create(
                kind=kind, year=year, requested_by=by, stage=_("Waiting for a worker"), **subject
            )
    except IntegrityError:  # someone asked at the same instant: theirs is the request
        theirs = document.first()
        if theirs is not None:
            return theirs
        return request_report(kind=kind, by=by, cycle=cycle, network=network, year=year)
    enqueue(report)
    return report


def enqueue(report: Report) -> None:
    from reports.tasks import build_report

    transaction.on_commit(lambda: build_report.delay(report.pk))


@dataclass
class Claim:
    report: Report
    number: int


def _interrupted_reason(attempts: int) -> str:
    with override("fr"):
        return _("The build was interrupted %(count)s times; ask for it again.") % {
            "count": attempts
        }


def _claim(report_id: int) -> Claim | None:
    """Mark the request running (one more attempt) and choose its version number; None when
    there is nothing left to do."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or not report.is_in_flight:
            return None
        if report.status == Report.Status.RUNNING and report.attempts >= MAX_ATTEMPTS:
            # Every attempt so far died with its worker (the broker redelivers the task of a
            # killed worker): a document that kills the worker must not do so forever.
            fail(report.pk, _interrupted_reason(report.attempts))
            return None
        report.status = Report.Status.RUNNING
        report.attempts += 1
        report.started_at = timezone.now()
        report.stage = _("Gathering the data")
        report.save(update_fields=["status", "attempts", "started_at", "stage"])
        latest = report.siblings().aggregate(latest=Max("number"))["latest"] or 0
        return Claim(
            Report.objects.select_related("cycle__structure", "network").get(pk=report.pk),
            latest + 1,
        )


def _set_stage(report: Report, stage: str) -> None:
    Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING).update(stage=stage)


def build(report_id: int) -> Report | None:
    """Build the PDF of a request. Safe to run twice, or on two workers at once."""
    claim = _claim(report_id)
    if claim is None:
        return Report.objects.filter(pk=report_id).first()
    report = claim.report
    source = rendering.html(report)
    digest = rendering.digest(source)

    same = report.siblings().versions().filter(source_digest=digest).first()
    if same is not None:
        return _finish(report, same_as=same)

    _set_stage(report, _("Laying out the pages"))
    with override("fr"):
        stamp = _("Version %(number)s, generated on %(date)s") % {
            "number": claim.number,
            "date": date_format(timezone.localtime(), "j F Y à H:i"),
        }
    stylesheets = documents.for_kind(report.kind).stylesheets
    content = rendering.pdf(rendering.stamped(source, stamp), stylesheets)
    _set_stage(report, _("Saving the PDF"))
    if settings.REPORTS_PAUSE_AFTER_LAYOUT:
        time.sleep(settings.REPORTS_PAUSE_AFTER_LAYOUT)
    return _finish(report, number=claim.number, content=content, digest=digest)


def _finish(report, *, same_as=None, number=None, content=None, digest="") -> Report | None:
    with transaction.atomic():
        locked = Report.objects.select_for_update().filter(pk=report.pk).first()
        if locked is None or not locked.is_in_flight:  # another worker finished it meanwhile
            return locked
        locked.status = Report.Status.READY
        locked.stage = ""
        locked.finished_at = timezone.now()
        if same_as is not None:
            locked.same_as = same_as
        else:
            locked.number = number
            locked.source_digest = digest
            locked.checksum = hashlib.sha256(content.data).hexdigest()
            locked.pages = content.pages
            locked.size = len(content.data)
            _save_file(locked, documents.for_kind(report.kind).file_stem(report), content)
        locked.save()
    return locked


def _save_file(report: Report, stem: str, content: rendering.Pdf) -> None:
    """Save the PDF under its version's name. A file already there is the leftover of a worker
    killed between writing the file and committing the row (the version number is free, or we
    would not be here): it is replaced, not kept beside the new one under another name."""
    name = report.file.field.generate_filename(report, f"{stem}-v{report.number}.pdf")
    if report.file.storage.exists(name):
        report.file.storage.delete(name)
    report.file.save(name.rsplit("/", 1)[-1], ContentFile(content.data), save=False)


def fail(report_id: int, reason: str) -> None:
    Report.objects.filter(pk=report_id, status__in=Report.IN_FLIGHT).update(
        status=Report.Status.FAILED, stage="", failure_reason=reason, finished_at=timezone.now()
    )


def resume_interrupted(now=None) -> int:
    """Put back in the queue the requests a dead worker left running (or that never reached
    a worker); give up on those that were tried too often. Returns how many were re-queued."""
    now = now or timezone.now()
    stale = (
        Report.objects.in_flight()
        .filter(requested_at__lt=now - INTERRUPTED_AFTER)
        .exclude(started_at__gte=now - INTERRUPTED_AFTER)
    )
    requeued = 0
    for report in stale:
        if report.attempts >= MAX_ATTEMPTS:
            fail(report.pk, _interrupted_reason(report.attempts))
            continue
        enqueue(report)
        requeued += 1
    return requeued


@transaction.atomic
def freeze(report: Report, *, for_date: datetime.date, by) -> Report:
    """Freeze a version for the AG of `for_date`: it will never be regenerated nor deleted,
    nor frozen again for another date."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if locked.status != Report.Status.READY or locked.same_as_id:
        raise ValidationError(_("Only a ready version can be frozen."))
    if locked.is_frozen:
        raise ValidationError(_("This version is already frozen."))
    if not locked.year <= for_date.year <= locked.year + 1:
        raise ValidationError(
            _("The AG that presents the year %(year)s takes place in %(year)s or %(next)s.")
            % {"year": locked.year, "next": locked.year + 1}
        )
    locked.frozen_for = for_date
    locked.frozen_at = timezone.now()
    locked.frozen_by = by
    locked.save(update_fields=["frozen_for", "frozen_at", "frozen_by"])
    report.frozen_for, report.frozen_at, report.frozen_by = for_date, locked.frozen_at, by
    return locked


@transaction.atomic
def delete_version(report: Report) -> None:
    """Delete a version that is not frozen: its PDF goes (once the deletion is committed) with
    the requests it answered; its row stays as DELETED so that its number is not reused."""
    locked = Report.objects.select_for_update().filter(pk=report.pk).first()
    if locked is None or locked.status == Report.Status.DELETED:
        return
    if locked.is_in_flight:
        # A worker is building it: deleting the row would leave its PDF without a version.
        raise ValidationError(_("This report is being built; wait until it is ready."))
    if locked.is_frozen:
        raise ValidationError(_("A version frozen for an AG is kept: it cannot be deleted."))
    if locked.same_as_id or locked.status != Report.Status.READY:
        locked.delete()  # a request, or a failure: nothing to keep
        return
    Report.objects.filter(same_as=locked).delete()
    if locked.file:
        storage, name = locked.file.storage, locked.file.name
        transaction.on_commit(lambda: storage.delete(name))
    locked.status = Report.Status.DELETED
    locked.file = ""
    locked.source_digest = ""
    locked.save(update_fields=["status", "file", "source_digest"])
