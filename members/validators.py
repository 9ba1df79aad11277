from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's establishments share this SIREN; their SIRET keys follow a rule of their own.
LA_POSTE_SIREN = "356000000"


def normalise_siret(value: str) -> str:
    """People paste SIRETs with spaces or dots (“123 456 789 00012”): keep the digits."""
    return "".join(ch for ch in value if not ch.isspace() and ch != ".")


def siret_is_valid(siret: str) -> bool:
    if len(siret) != 14 or not (siret.isascii() and siret.isdigit()):
        return False
    if siret.startswith(LA_POSTE_SIREN) and siret != LA_POSTE_SIREN + "00048":
        return sum(int(d) for d in siret) % 5 == 0
    total = 0
    for position, digit in enumerate(reversed(siret)):
        n = int(digit) * (2 if position % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def validate_siret(value: str) -> None:
    siret = normalise_siret(value)
    if len(siret) != 14 or not (siret.isascii() and siret.isdigit()):
        raise ValidationError(
            _("A SIRET has 14 digits (you typed %(count)s characters)."),
            code="siret_length",
            params={"count": len(siret)},
        )
    if not siret_is_valid(siret):
        raise ValidationError(
            _("This SIRET is not valid: its check digit does not match. Check for a typo."),
            code="siret_key",
        )
