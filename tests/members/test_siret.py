import pytest
from django.core.exceptions import ValidationError

from members.validators import siret_is_valid, validate_siret


@pytest.mark.parametrize(
    "siret",
    ["73282932000074", "35600000000048", "35600000049837"],  # a valid SIRET, La Poste's
)
def test_valid_sirets_pass(siret):
    assert siret_is_valid(siret)
    validate_siret(siret)


def test_spaces_and_dots_typed_by_people_are_accepted():
    validate_siret("732 829 320 00074")
    validate_siret("732.829.320.00074")


def test_a_wrong_check_digit_is_explained_in_french():
    with pytest.raises(ValidationError) as error:
        validate_siret("73282932000075")
    assert "n'est pas valide" in str(error.value.messages[0])


def test_a_wrong_length_says_how_many_characters_were_typed():
    with pytest.raises(ValidationError) as error:
        validate_siret("7328293200")
    assert "14 chiffres" in error.value.messages[0] and "10" in error.value.messages[0]


def test_letters_are_refused():
    with pytest.raises(ValidationError):
        validate_siret("7328293200007A")


def test_digits_that_are_not_ascii_are_refused_like_letters():
    with pytest.raises(ValidationError):
        validate_siret("²" * 14)
