"""Parcours: a network's cohort of structures following collective sessions and individual
meetings over some months (or an open-ended communauté), with enrolment of each structure's
pilot pair, attendance, resources, feedback right after each session, testimonials given with
consent, and calendars."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guide.models import Theme
from members.models import Network, Role, Structure


def new_token() -> str:
    return secrets.token_urlsafe(24)


class ParcoursQuerySet(models.QuerySet):
    def managed_by(self, user):
        """Parcours a person runs: those of the networks they facilitate."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(network__in=Network.objects.facilitated_by(user))

    def followed_by(self, user):
        """Parcours a person takes part in, through an active enrolment of a structure where
        they hold an active role."""
        if not user.is_authenticated:
            return self.none()
        structures = Role.objects.active().filter(person=user).values("structure")
        return self.filter(
            enrolments__structure__in=structures, enrolments__withdrawn_at=None
        ).distinct()

    def with_figures(self):
        """Each parcours with its count of enrolled structures and its next collective
        session, in the same query."""
        enrolled = (
            Enrolment.objects.active()
            .filter(parcours=OuterRef("pk"))
            .order_by()
            .values("parcours")
            .annotate(count=Count("pk"))
            .values("count")
        )
        upcoming = (
            Session.objects.collective()
            .upcoming()
            .filter(parcours=OuterRef("pk"))
            .order_by("starts_at")
        )
        return self.annotate(
            enrolled=Coalesce(Subquery(enrolled, output_field=IntegerField()), Value(0)),
            next_session_at=Subquery(upcoming.values("starts_at")[:1]),
            next_session_title=Subquery(upcoming.values("title")[:1]),
        ).select_related("network")

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(
            Q(pk__in=self.managed_by(user).values("pk"))
            | Q(pk__in=self.followed_by(user).values("pk"))
        )


class Parcours(models.Model):
    """A multi-session improvement path for a cohort, or an open-ended thematic communauté."""

    class Kind(models.TextChoices):
        PARCOURS = "parcours", _("Parcours")
        COMMUNITY = "community", _("Communauté")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Enrolment open")
        RUNNING = "running", _("In progress")
        FINISHED = "finished", _("Finished")

    network = models.ForeignKey(
        Network, models.CASCADE, related_name="parcours", verbose_name=_("network")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.PARCOURS)
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="parcours", verbose_name=_("themes of the guide")
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity (structures)"), null=True, blank=True, default=8
    )
    commitment = models.TextField(
        _("commitment asked"),
        blank=True,
        help_text=_("What participants commit to: time, sessions, work between sessions."),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="facilitated_parcours",
        verbose_name=_("facilitators"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParcoursQuerySet.as_manager()

    class Meta:
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on=None) | Q(ends_on__gte=models.F("starts_on")),
                name="parcours_ends_after_it_starts",
                violation_error_message=_("A parcours cannot end before it starts."),
            ),
            # A parcours has an end and a capacity; a communauté is open-ended.
            models.CheckConstraint(
                condition=Q(kind="community") | (Q(ends_on__isnull=False) & Q(capacity__gt=0)),
                name="parcours_has_an_end_and_a_capacity",
                violation_error_message=_("A parcours needs an end date and a capacity."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("parcours:detail", args=[self.pk])

    @property
    def is_community(self) -> bool:
        return self.kind == self.Kind.COMMUNITY


class SessionQuerySet(models.QuerySet):
    def upcoming(self, now=None):
        return self.filter(ends_at__gte=now or timezone.now()).exclude(
            status=Session.Status.CANCELLED
        )

    def past(self, now=None):
        return self.filter(ends_at__lt=now or timezone.now()).exclude(
            status=Session.Status.CANCELLED
        )

    def collective(self):
        return self.filter(kind=Session.Kind.COLLECTIVE)

    def in_feed_of(self, person):
        """Every session of a person's private calendar feed: the collective sessions
        (cancelled ones too) of the parcours their structure takes part in with them as pilot
        or co-pilot, that structure's individual meetings, and every session of the parcours
        of the networks they facilitate. Nothing else, whoever they are (a platform admin
        included)."""
        pair_structures = Role.objects.pair().filter(person=person).values("structure")
        enrolled = Enrolment.objects.active().filter(structure__in=pair_structures)
        return self.filter(
            Q(kind=Session.Kind.COLLECTIVE, parcours__in=enrolled.values("parcours"))
            | Q(
                Exists(
                    enrolled.filter(parcours=OuterRef("parcours"), structure=OuterRef("structure"))
                )
            )
            | Q(parcours__network__in=Network.objects.facilitated_by(person).values("pk"))
        )


class Session(models.Model):
    """A collective session of the cohort, or an individual meeting with one structure."""

    class Kind(models.TextChoices):
        COLLECTIVE = "collective", _("Collective session")
        INDIVIDUAL = "individual", _("Individual meeting")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        MOVED = "moved", _("Moved")
        CANCELLED = "cancelled", _("Cancelled")

    parcours = models.ForeignKey(Parcours, models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.COLLECTIVE)
    structure = models.ForeignKey(
        Structure,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="parcours_meetings",
        verbose_name=_("structure met"),
    )
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLANNED)
    # Shown as a QR code on the facilitator's screen: participants check in by scanning it.
    checkin_token = models.CharField(max_length=64, default=new_token, unique=True)
    # The iCalendar SEQUENCE: bumped on each change so calendars update the event.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_it_starts",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(kind="collective", structure__isnull=True)
                | Q(kind="individual", structure__isnull=False),
                name="session_individual_has_a_structure",
                violation_error_message=_(
                    "An individual meeting belongs to one structure; a collective session to none."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.parcours} · {self.title}"

    def get_absolute_url(self):
        return reverse("parcours:session", args=[self.pk])

    @property
    def is_individual(self) -> bool:
        return self.kind == self.Kind.INDIVIDUAL

    def is_visible_to(self, user) -> bool:
        """A collective session is for everyone who sees the parcours; an individual meeting
        only for its facilitators and the people of the structure met."""
        if not self.is_individual or user.has_perm("parcours.manage_parcours", self.parcours):
            return True
        return Role.objects.active().filter(person=user, structure=self.structure_id).exists()

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()


class SessionPlace(models.Model):
    """One of the places where a meeting is held at once (a communauté meets in Lille and
    Amiens simultaneously); attendance is taken per place."""

    session = models.ForeignKey(Session, models.CASCADE, related_name="places")
    name = models.CharField(_("place"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("place of a meeting")
        verbose_name_plural = _("places of a meeting")
        ordering = ["name"]

    def __str__(self):
        return self.name


class EnrolmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at=None)


class Enrolment(models.Model):
    """A structure in a parcours, with its pilot pair who attend together."""

    parcours = models.ForeignKey(Parcours, models.CASCADE, related_name="enrolments")
    structure = models.ForeignKey(
        Structure, models.CASCADE, related_name="enrolments", verbose_name=_("structure")
    )
    pilot = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="enrolments_as_pilot",
        verbose_name=_("pilot"),
    )
    copilot = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments_as_copilot",
        verbose_name=_("co-pilot"),
    )
    target = models.TextField(
        _("target"),
        blank=True,
        help_text=_("What the structure aims for, such as the level of user involvement."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("why it withdrew"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["structure__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parcours", "structure"],
                name="enrolment_once_per_parcours",
                violation_error_message=_("This structure is already enrolled in this parcours."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at=None) | ~Q(withdrawal_reason=""),
                name="enrolment_withdrawal_has_a_reason",
                violation_error_message=_("Say why the structure withdraws."),
            ),
        ]

    def __str__(self):
        return f"{self.structure} · {self.parcours}"

    @property
    def people(self) -> list:
        return [person for person in (self.pilot, self.copilot) if person]

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Attendance(models.Model):
    """Whether a person attended a session: recorded by the facilitator, by the person's
    check-in, or sent in advance as apologies."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    session = models.ForeignKey(Session, models.CASCADE, related_name="attendances")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="attendances")
    structure = models.ForeignKey(
        Structure, models.CASCADE, null=True, blank=True, related_name="attendances"
    )
    status = models.CharField(_("attendance"), max_length=20, choices=Status)
    place = models.ForeignKey(
        SessionPlace, models.SET_NULL, null=True, blank=True, related_name="attendances"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"], name="attendance_once_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.session} · {self.get_status_display()}"


def resource_path(instance, filename):
    return f"parcours/{instance.parcours_id}/{filename}"


class Resource(models.Model):
    """A file or a link for the participants, for the whole parcours or one session."""

    parcours = models.ForeignKey(Parcours, models.CASCADE, related_name="resources")
    session = models.ForeignKey(
        Session, models.CASCADE, null=True, blank=True, related_name="resources"
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to=resource_path, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="parcours_resource_link_or_file",
                violation_error_message=_("A resource is either a link or a file."),
            )
        ]

    def __str__(self):
        return self.title


class Feedback(models.Model):
    """A participant's word right after a session: seen by facilitators only."""

    session = models.ForeignKey(Session, models.CASCADE, related_name="feedback")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(
        _("rating"), choices=[(n, str(n)) for n in range(1, 6)]
    )
    useful = models.TextField(_("what was useful"), blank=True)
    to_improve = models.TextField(_("what to improve"), blank=True)
    next_step = models.TextField(_("what you will do next"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                name="feedback_once_per_person",
                violation_error_message=_("You already gave your feedback on this session."),
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.session} · {self.rating}/5"


class Testimonial(models.Model):
    """What a participant says of the parcours, published only with their explicit consent."""

    parcours = models.ForeignKey(Parcours, models.CASCADE, related_name="testimonials")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="testimonials"
    )
    structure = models.ForeignKey(
        Structure, models.SET_NULL, null=True, blank=True, related_name="testimonials"
    )
    text = models.TextField(_("testimonial"))
    consent_at = models.DateTimeField(_("consent given on"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("testimonial")
        verbose_name_plural = _("testimonials")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(consent_at__isnull=False),
                name="testimonial_published_only_with_consent",
                violation_error_message=_(
                    "A testimonial is published only with its author's consent."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.parcours}"


class MeetingNote(models.Model):
    """After a communauté's meeting, its facilitator's note for the network's board: where
    the group stands and the actions it proposes."""

    session = models.OneToOneField(Session, models.CASCADE, related_name="note")
    progress = models.TextField(_("where the group stands"))
    proposals = models.TextField(_("actions proposed to the board"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("note for the board")
        verbose_name_plural = _("notes for the board")

    def __str__(self):
        return f"{self.session}"


class CalendarFeed(models.Model):
    """A person's private calendar feed: a secret URL any calendar app can subscribe to;
    regenerating the token revokes the old URL."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, default=new_token, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.person)
