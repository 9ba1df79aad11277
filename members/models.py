from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        # E-mail addresses are stored lower-case; people type them as they like.
        return self.get(**{self.model.USERNAME_FIELD: username.lower()})


class User(AbstractBaseUser, PermissionsMixin):
    """A person. They log in with their e-mail address; roles say what they do where."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("platform admin"), default=False, help_text=_("Can log into the admin site.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class NetworkQuerySet(models.QuerySet):
    def facilitated_by(self, user):
        return self.filter(
            roles__person=user, roles__kind=Role.Kind.FACILITATOR, roles__ended_on=None
        )

    def worked_in_by(self, user):
        """Networks the person works in: as a facilitator, or through a structure where they
        hold a role and that is a member of the network."""
        return self.filter(
            Q(roles__person=user, roles__kind=Role.Kind.FACILITATOR, roles__ended_on=None)
            | Q(
                memberships__structure__roles__person=user,
                memberships__structure__roles__ended_on=None,
            )
        ).distinct()


class Network(models.Model):
    """A CRESS, a federation or a regional network that runs démarches with its members."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Structure(models.Model):
    """A member organisation of the ESS that runs its own yearly démarche."""

    class LegalForm(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        SCOP = "scop", _("SCOP")
        SCIC = "scic", _("SCIC")
        COOPERATIVE = "cooperative", _("Other cooperative")
        MUTUELLE = "mutuelle", _("Mutual society")
        FONDATION = "fondation", _("Foundation")
        ESS_COMPANY = "ess_company", _("ESS commercial company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm, default=LegalForm.ASSOCIATION
    )
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    networks = models.ManyToManyField(
        Network, through="Membership", related_name="structures", verbose_name=_("networks")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """An adhésion: a structure is a member of a network (and may be of several)."""

    network = models.ForeignKey(
        Network, models.CASCADE, related_name="memberships", verbose_name=_("network")
    )
    structure = models.ForeignKey(
        Structure, models.CASCADE, related_name="memberships", verbose_name=_("structure")
    )
    since_on = models.DateField(_("member since"), default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["network", "structure"],
                name="membership_once_per_network",
                violation_error_message=_("This structure is already a member of this network."),
            )
        ]

    def __str__(self):
        return f"{self.structure} ∈ {self.network}"


class RoleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_on=None)

    def of_structures(self):
        return self.filter(structure__isnull=False)


class Role(models.Model):
    """What a person does where, for a mandate: ending it keeps the history."""

    class Kind(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")
        PILOT = "pilot", _("Pilot")
        COPILOT = "copilot", _("Co-pilot")
        CONTRIBUTOR = "contributor", _("Contributor")
        BOARD_MEMBER = "board_member", _("Board member")

    NETWORK_KINDS = {Kind.FACILITATOR}
    PAIR_KINDS = (Kind.PILOT, Kind.COPILOT)

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="roles", verbose_name=_("person")
    )
    kind = models.CharField(_("role"), max_length=20, choices=Kind)
    network = models.ForeignKey(
        Network,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("network"),
    )
    structure = models.ForeignKey(
        Structure,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("structure"),
    )
    started_on = models.DateField(_("since"), default=timezone.localdate)
    ended_on = models.DateField(_("until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["kind", "started_on"]
        constraints = [
            # A facilitator acts for a network; every other role is held in a structure.
            models.CheckConstraint(
                condition=(
                    Q(kind="facilitator", network__isnull=False, structure__isnull=True)
                    | (~Q(kind="facilitator") & Q(network__isnull=True, structure__isnull=False))
                ),
                name="role_scope_matches_kind",
                violation_error_message=_(
                    "A facilitator belongs to a network; other roles belong to a structure."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ended_on=None) | Q(ended_on__gte=models.F("started_on")),
                name="role_ends_after_it_starts",
                violation_error_message=_("A mandate cannot end before it starts."),
            ),
            # The pair that carries the démarche: one pilot and one co-pilot at a time.
            models.UniqueConstraint(
                fields=["structure", "kind"],
                condition=Q(ended_on=None, kind__in=["pilot", "copilot"]),
                name="role_one_active_pilot_and_copilot",
                violation_error_message=_(
                    "This structure already has an active pilot (or co-pilot): "
                    "hand the mandate over instead."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()} · {self.structure or self.network}"

    @property
    def place(self):
        """The structure or network this role is held in."""
        return self.structure or self.network
