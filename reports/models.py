"""AG reports and the network's activity report: PDFs built by a Celery task, kept as
versions. A version frozen for an AG is never regenerated nor deleted.

A `Report` row is first a request (pending, then running); the task turns it into a version
(ready, with a number, its PDF and the PDF's checksum) or says why it failed. When the data
has not changed since an existing version, the request points to that version (`same_as`)
instead of making a duplicate.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from demarches.models import Cycle
from members.models import Network


def report_path(instance, filename):
    subject = (
        f"cycle-{instance.cycle_id}" if instance.cycle_id else f"network-{instance.network_id}"
    )
    return f"reports/{subject}/{filename}"


class ReportQuerySet(models.QuerySet):
    def live(self):
        """Everything but the deleted versions."""
        return self.exclude(status=Report.Status.DELETED)

    def versions(self):
        """Ready reports that are versions of their own (not requests answered by another)."""
        return self.filter(status=Report.Status.READY, same_as=None)

    def in_flight(self):
        return self.filter(status__in=Report.IN_FLIGHT)

    def frozen(self):
        return self.versions().filter(frozen_for__isnull=False)

    def of_cycle(self, cycle, kind):
        return self.filter(cycle=cycle, kind=kind)

    def of_network(self, network, year):
        return self.filter(network=network, year=year, kind=Report.Kind.NETWORK)


class Report(models.Model):
    class Kind(models.TextChoices):
        FULL = "full", _("Full AG report")
        SYNTHESIS = "synthesis", _("Publishable synthesis")
        NETWORK = "network", _("Network activity report")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("In progress")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        # A version deleted by the pilot pair: the row stays, without its PDF, so that its
        # number is never given to another version.
        DELETED = "deleted", _("Deleted")

    IN_FLIGHT = (Status.PENDING, Status.RUNNING)
    CYCLE_KINDS = (Kind.FULL, Kind.SYNTHESIS)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    cycle = models.ForeignKey(Cycle, models.CASCADE, null=True, blank=True, related_name="reports")
    network = models.ForeignKey(
        Network, models.CASCADE, null=True, blank=True, related_name="reports"
    )
    year = models.PositiveSmallIntegerField(_("year"))

    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    failure_reason = models.TextField(_("why it failed"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    number = models.PositiveIntegerField(_("version"), null=True, blank=True)
    file = models.FileField(_("PDF"), upload_to=report_path, blank=True)
    checksum = models.CharField(_("SHA-256 checksum"), max_length=64, blank=True)
    source_digest = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    same_as = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="requests"
    )

    frozen_for = models.DateField(_("frozen for the AG of"), null=True, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="network", network__isnull=False, cycle__isnull=True)
                | (~Q(kind="network") & Q(cycle__isnull=False, network__isnull=True)),
                name="report_about_a_cycle_or_a_network",
            ),
            # One request in flight per document: asking twice gives the same request.
            models.UniqueConstraint(
                fields=["kind", "cycle"],
                condition=Q(status__in=["pending", "running"], cycle__isnull=False),
                name="report_one_cycle_request_in_flight",
            ),
            models.UniqueConstraint(
                fields=["kind", "network", "year"],
                condition=Q(status__in=["pending", "running"], network__isnull=False),
                name="report_one_network_request_in_flight",
            ),
            models.UniqueConstraint(
                fields=["kind", "cycle", "number"],
                condition=Q(number__isnull=False, cycle__isnull=False),
                name="report_cycle_version_numbers_unique",
            ),
            models.UniqueConstraint(
                fields=["kind", "network", "year", "number"],
                condition=Q(number__isnull=False, network__isnull=False),
                name="report_network_version_numbers_unique",
            ),
            models.CheckConstraint(
                condition=Q(frozen_for__isnull=True) | Q(status="ready", same_as__isnull=True),
                name="report_only_a_ready_version_is_frozen",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self):
        if self.number:
            return _("%(kind)s %(year)s, version %(number)s") % {
                "kind": self.get_kind_display(),
                "year": self.year,
                "number": self.number,
            }
        return _("%(kind)s %(year)s") % {"kind": self.get_kind_display(), "year": self.year}

    def get_absolute_url(self):
        return reverse("reports:report", args=[self.pk])

    @property
    def is_in_flight(self) -> bool:
        return self.status in self.IN_FLIGHT

    @property
    def is_frozen(self) -> bool:
        return self.frozen_for is not None

    @property
    def version(self) -> "Report":
        """The version this request gave: itself, or the existing one with the same data."""
        return self.same_as if self.same_as_id else self

    def siblings(self) -> ReportQuerySet:
        """Every report of the same document (same kind, same cycle or network and year)."""
        if self.cycle_id:
            return Report.objects.of_cycle(self.cycle_id, self.kind)
        return Report.objects.of_network(self.network_id, self.year)

    def delete(self, *args, **kwargs):
        if self.is_frozen:
            raise ValidationError(_("A version frozen for an AG is kept: it cannot be deleted."))
        return super().delete(*args, **kwargs)
