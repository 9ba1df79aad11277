import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core import signing
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.validators import validate_siret


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

    def managed_by(self, user):
        """Networks a person runs: those they facilitate, or all for a platform admin."""
        return self.all() if user.is_staff else self.facilitated_by(user)

    def worked_in_by(self, user):
        """Networks the person works in: as a facilitator, or through a structure where they
        hold a role and that is a member of the network."""
        return self.filter(
            Q(roles__person=user, roles__kind=Role.Kind.FACILITATOR, roles__ended_on=None)
            | Q(
                memberships__status="active",
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


class StructureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Structures a person may see: their own, and for a facilitator those of their
        networks (through an adhésion, whatever it shares)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_staff:
            return self
        own = Role.objects.active().filter(person=user).values("structure")
        return self.filter(
            Q(pk__in=own) | Q(memberships__network__in=Network.objects.facilitated_by(user))
        ).distinct()

    def with_pair(self):
        """Prefetch the active pilot and co-pilot (as `pair`, pilot first)."""
        return self.prefetch_related(
            models.Prefetch(
                "roles",
                queryset=Role.objects.pair().select_related("person").order_by("-kind"),
                to_attr="pair",
            )
        )


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
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 digits, optional."),
    )
    headcount = models.PositiveIntegerField(_("headcount (employees)"), null=True, blank=True)
    sector = models.CharField(_("sector"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    commune = models.CharField(_("commune"), max_length=100, blank=True)
    departement = models.CharField(_("département"), max_length=60, blank=True)
    region = models.CharField(_("region"), max_length=60, blank=True)
    website = models.URLField(_("website"), blank=True)
    networks = models.ManyToManyField(
        Network, through="Membership", related_name="structures", verbose_name=_("networks")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="structure_siret_unique",
                violation_error_message=_("Another structure already has this SIRET."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:structure", args=[self.pk])


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Membership.Status.ACTIVE)


class Membership(models.Model):
    """An adhésion: a structure is a member of a network (and may be of several). What the
    network's facilitators see of the structure's démarche is the structure's choice."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        ENDED = "ended", _("Ended")

    class Sharing(models.TextChoices):
        NOTHING = "nothing", _("Nothing")
        SUMMARY = "summary", _("Progress summary")
        FULL = "full", _("Full démarche")

    network = models.ForeignKey(
        Network, models.CASCADE, related_name="memberships", verbose_name=_("network")
    )
    structure = models.ForeignKey(
        Structure, models.CASCADE, related_name="memberships", verbose_name=_("structure")
    )
    since_on = models.DateField(_("member since"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.ACTIVE)
    sharing = models.CharField(
        _("shared with the network"), max_length=20, choices=Sharing, default=Sharing.SUMMARY
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MembershipQuerySet.as_manager()

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


# A facilitator acts for a network; every other role is held in a structure (roles and the
# invitations to take them).
SCOPE_MATCHES_KIND = Q(kind="facilitator", network__isnull=False, structure__isnull=True) | (
    ~Q(kind="facilitator") & Q(network__isnull=True, structure__isnull=False)
)


class RoleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_on=None)

    def of_structures(self):
        return self.filter(structure__isnull=False)

    def pair(self):
        """The active pilots and co-pilots: the pairs that carry the démarches."""
        return self.active().filter(kind__in=Role.PAIR_KINDS)


class Role(models.Model):
    """What a person does where, for a mandate: ending it keeps the history."""

    class Kind(models.TextChoices):
        FACILITATOR = "facilitator", _("Facilitator")
        PILOT = "pilot", _("Pilot")
        COPILOT = "copilot", _("Co-pilot")
        CONTRIBUTOR = "contributor", _("Contributor")
        BOARD_MEMBER = "board_member", _("Board member")

    # The role's name inside a sentence ("… become board member of …"): lower case, except
    # where French keeps capitals (membre du CA).
    IN_SENTENCE = {
        Kind.FACILITATOR: _("facilitator"),
        Kind.PILOT: _("pilot"),
        Kind.COPILOT: _("co-pilot"),
        Kind.CONTRIBUTOR: _("contributor"),
        Kind.BOARD_MEMBER: _("board member"),
    }

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
            models.CheckConstraint(
                condition=SCOPE_MATCHES_KIND,
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

    @property
    def kind_in_sentence(self) -> str:
        return Role.IN_SENTENCE[self.kind]


INVITATION_SALT = "members.invitation"


def _new_nonce() -> str:
    return secrets.token_hex(16)


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at=None, cancelled_at=None)

    def from_token(self, token: str):
        """The invitation a link designates, or None if the link was tampered with or
        replaced by a newer one."""
        try:
            pk, nonce = signing.loads(token, salt=INVITATION_SALT)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return self.filter(pk=pk, nonce=nonce).select_related("structure", "network").first()


class Invitation(models.Model):
    """An e-mail invitation to take a role. The link is signed with a nonce that changes on
    each resend, so only the latest link works, once, for VALID_FOR after it was sent."""

    VALID_FOR = timedelta(days=7)

    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    kind = models.CharField(_("role"), max_length=20, choices=Role.Kind)
    network = models.ForeignKey(
        Network, models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    structure = models.ForeignKey(
        Structure, models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="invitations_sent"
    )
    nonce = models.CharField(max_length=32, default=_new_nonce)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at"]
        constraints = [
            models.CheckConstraint(
                condition=SCOPE_MATCHES_KIND,
                name="invitation_scope_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.get_kind_display()} · {self.place}"

    @property
    def place(self):
        return self.structure or self.network

    @property
    def kind_in_sentence(self) -> str:
        return Role.IN_SENTENCE[self.kind]

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None

    @property
    def expires_at(self):
        return self.sent_at + self.VALID_FOR

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def token(self) -> str:
        return signing.dumps([self.pk, self.nonce], salt=INVITATION_SALT)
