"""Referentials: a guide's themes, action domains, and questions and indicators, by edition.

A guide is the national CSESS guide (no network) or a network's own thematic guide. A new
edition copies the previous one and each copied row keeps a `previous` link, so that a
structure's answers stay comparable from one year to the next across editions.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.models import Membership, Network, Structure


class GuideQuerySet(models.QuerySet):
    def national(self):
        return self.filter(network=None)

    def published(self):
        return self.filter(status=Guide.Status.PUBLISHED)

    def visible_to(self, user):
        """National guides and the published guides of the user's networks; drafts only to
        the facilitators who write them."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(
            Q(network=None, status=Guide.Status.PUBLISHED)
            | Q(network__in=Network.objects.worked_in_by(user), status=Guide.Status.PUBLISHED)
            | Q(network__in=Network.objects.facilitated_by(user))
        )

    def usable_by(self, structure):
        """The guides a structure may run its démarche with: the published national guides,
        newest edition first, then the published guides of the networks it is an active
        member of."""
        networks = Membership.objects.active().filter(structure=structure).values("network")
        return (
            self.published()
            .filter(Q(network=None) | Q(network__in=networks))
            .select_related("network")
            .order_by(models.F("network").asc(nulls_first=True), "-edition", "title", "-pk")
        )

    def editable_by(self, user):
        """A network's facilitators edit its guides; the national guide is edited by platform
        admins only."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(network__in=Network.objects.facilitated_by(user))


class Guide(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    edition = models.CharField(_("edition"), max_length=40, help_text=_("For example 2017."))
    description = models.TextField(_("description"), blank=True)
    network = models.ForeignKey(
        Network,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="guides",
        verbose_name=_("network"),
        help_text=_("Empty for the national guide."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    previous = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="next_editions",
        verbose_name=_("previous edition"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GuideQuerySet.as_manager()

    class Meta:
        verbose_name = _("guide")
        verbose_name_plural = _("guides")
        ordering = [models.F("network").asc(nulls_first=True), "title", "-edition"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "title", "edition"],
                name="guide_one_edition_per_title",
                violation_error_message=_("This guide already has an edition with this name."),
            ),
            # NULL never equals NULL: the national guides need a constraint of their own.
            models.UniqueConstraint(
                fields=["title", "edition"],
                condition=Q(network=None),
                name="guide_one_national_edition_per_title",
                violation_error_message=_("This guide already has an edition with this name."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.edition})"

    def get_absolute_url(self):
        return reverse("guide:detail", args=[self.pk])

    @property
    def is_national(self) -> bool:
        return self.network_id is None

    def newest_edition(self) -> "Guide":
        """The newest published edition that continues this guide (itself when there is
        none), so that next year works with the current wording of the same guide. Editions
        form a short chain: one query per edition (and a bound, should the data ever loop)."""
        newest, editions = self, [self]
        for _depth in range(20):
            if not editions:
                break
            editions = list(Guide.objects.filter(previous__in=editions))
            published = [edition for edition in editions if edition.status == self.Status.PUBLISHED]
            if published:
                newest = max(published, key=lambda edition: (edition.edition, edition.created_at))
        return newest


validate_code = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z._-]*$",
    _("A code is made of letters, digits, dots or dashes, such as 1.3 or 1.3.2."),
)


class Node(models.Model):
    """What themes, domains and items share: a code unique in the guide, an order, where the
    wording comes from, and the row of the previous edition it continues."""

    code = models.CharField(_("code"), max_length=20, validators=[validate_code])
    position = models.PositiveIntegerField(_("order"), default=0)
    is_official = models.BooleanField(
        _("from the official guide"),
        default=False,
        help_text=_("Checked when the wording comes from the official guide, not from us."),
    )
    is_archived = models.BooleanField(
        _("archived"),
        default=False,
        help_text=_("An archived element stays in past answers but is no longer offered."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["position", "code"]


class NodeQuerySet(models.QuerySet):
    def current(self):
        return self.filter(is_archived=False)


class Theme(Node):
    guide = models.ForeignKey(Guide, models.CASCADE, related_name="themes")
    title = models.CharField(_("title"), max_length=300)
    short_title = models.CharField(_("short title"), max_length=120, blank=True)
    stakes = models.TextField(_("what is at stake"), blank=True)
    previous = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="next_versions"
    )

    objects = NodeQuerySet.as_manager()

    class Meta(Node.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(
                fields=["guide", "code"],
                name="theme_code_unique_in_guide",
                violation_error_message=_("Another theme of this guide has this code."),
            )
        ]

    def __str__(self):
        return f"{self.code}. {self.label}"

    def get_absolute_url(self):
        return reverse("guide:theme", args=[self.guide_id, self.code])

    @property
    def label(self) -> str:
        return self.short_title or self.title


class Domain(Node):
    """An action domain (domaine d'action), such as 1.3 Exercice du pouvoir."""

    # The guide is repeated here so that the database can keep codes unique in a guide.
    guide = models.ForeignKey(Guide, models.CASCADE, related_name="domains")
    theme = models.ForeignKey(Theme, models.CASCADE, related_name="domains")
    title = models.CharField(_("title"), max_length=300)
    previous = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="next_versions"
    )

    objects = NodeQuerySet.as_manager()

    class Meta(Node.Meta):
        verbose_name = _("action domain")
        verbose_name_plural = _("action domains")
        constraints = [
            models.UniqueConstraint(
                fields=["guide", "code"],
                name="domain_code_unique_in_guide",
                violation_error_message=_("Another action domain of this guide has this code."),
            )
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse("guide:domain", args=[self.guide_id, self.code])


class ItemQuerySet(NodeQuerySet):
    def search(self, text: str):
        return self.filter(Q(text__icontains=text) | Q(help_text__icontains=text))


class Item(Node):
    """A question (qualitative) or an indicator (quantitative, with its unit)."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question")
        INDICATOR = "indicator", _("Indicator")

    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        COUNT = "count", _("number")
        EURO = "euro", "€"
        HOURS = "hours", _("hours")
        DAYS = "days", _("days")
        YEARS = "years", _("years")
        RATIO = "ratio", _("ratio")
        POINTS = "points", _("points")
        KWH = "kwh", "kWh"
        TCO2E = "tco2e", "tCO2e"

    guide = models.ForeignKey(Guide, models.CASCADE, related_name="items")
    domain = models.ForeignKey(Domain, models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    text = models.TextField(_("wording"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit, blank=True)
    help_text = models.TextField(_("help"), blank=True)
    example = models.TextField(_("example"), blank=True)
    previous = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="next_versions"
    )

    objects = ItemQuerySet.as_manager()

    class Meta(Node.Meta):
        verbose_name = _("question or indicator")
        verbose_name_plural = _("questions and indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["guide", "code"],
                name="item_code_unique_in_guide",
                violation_error_message=_(
                    "Another question or indicator of this guide has this code."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind="question", unit="") | (Q(kind="indicator") & ~Q(unit="")),
                name="item_indicator_has_a_unit",
                violation_error_message=_("An indicator needs a unit; a question has none."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.text}"

    @property
    def is_indicator(self) -> bool:
        return self.kind == self.Kind.INDICATOR


class PracticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Shared practices, and those of the networks the user works in."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(
            Q(visibility=Practice.Visibility.SHARED)
            | Q(network__in=Network.objects.worked_in_by(user))
        )

    def editable_by(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        return self.filter(network__in=Network.objects.facilitated_by(user))


class Practice(models.Model):
    """An entry of the practice library: what a structure tested, or what could be tried."""

    class Status(models.TextChoices):
        TESTED = "tested", _("Already tested")
        TO_TEST = "to_test", _("To be tested")

    class Visibility(models.TextChoices):
        NETWORK = "network", _("Private to the network")
        SHARED = "shared", _("Shared with every network")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.TESTED)
    network = models.ForeignKey(
        Network, models.CASCADE, related_name="practices", verbose_name=_("network")
    )
    structure = models.ForeignKey(
        Structure,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name=_("contributing structure"),
        help_text=_("Empty when the network itself contributes it."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility, default=Visibility.NETWORK
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="practices", verbose_name=_("themes")
    )
    domains = models.ManyToManyField(
        Domain, blank=True, related_name="practices", verbose_name=_("action domains")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guide:practice", args=[self.pk])

    @property
    def contributor(self):
        return self.structure or self.network


class PracticeResource(models.Model):
    """A link or a file that helps to apply a practice."""

    practice = models.ForeignKey(Practice, models.CASCADE, related_name="resources")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(_("file"), upload_to="practices/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                name="practiceresource_link_or_file",
                violation_error_message=_("A resource is either a link or a file."),
            )
        ]

    def __str__(self):
        return self.title
