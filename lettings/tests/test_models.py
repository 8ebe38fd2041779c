"""The address and letting rules: the old site's field limits, with clear messages."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from lettings.models import Address, LettingPage
from testing.factories import make_address, make_letting

pytestmark = pytest.mark.django_db


def address_errors(**fields) -> dict:
    """Return the validation errors of an address built from valid defaults and ``fields``."""
    values = {
        "number": 12,
        "street": "Main Street",
        "city": "Boston",
        "state": "MA",
        "zip_code": "02134",
        "country_iso_code": "USA",
    }
    values.update(fields)
    try:
        Address(**values).full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def test_valid_address_keeps_leading_zeros_and_reads_like_the_old_site():
    address = make_address(number=7217, street="Bedford Street", city="Boston", state="MA", zip_code="02134")
    address.refresh_from_db()
    assert address.zip_code == "02134"
    assert str(address) == "7217 Bedford Street"
    assert address.city_line == "Boston, MA 02134"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("number", 0, "at least 1"),
        ("number", 10000, "at most 9999"),
        ("state", "XYZ", "is not a US state code"),
        ("state", "ZZ", "is not a US state code"),
        ("zip_code", "123456", "at most 5 characters"),
        ("zip_code", "1234", "five-digit ZIP code"),
        ("zip_code", "00000", "five-digit ZIP code"),
        ("zip_code", "12a45", "five-digit ZIP code"),
        ("country_iso_code", "US", "three-letter"),
        ("country_iso_code", "U5A", "three-letter"),
        ("street", "x" * 65, "at most 64 characters"),
        ("city", "", "cannot be blank"),
    ],
)
def test_address_rules_give_clear_messages(field, value, message):
    errors = address_errors(**{field: value})
    assert field in errors
    assert message in " ".join(errors[field])


def test_lower_case_codes_and_padded_names_are_normalised():
    address = Address(number=1, street=" A ", city=" B", state="ga", zip_code="31525", country_iso_code="usa")
    address.full_clean()
    assert (address.street, address.city, address.state, address.country_iso_code) == ("A", "B", "GA", "USA")


def test_database_refuses_a_street_number_out_of_range():
    with pytest.raises(IntegrityError), transaction.atomic():
        Address.objects.create(number=0, street="A", city="B", state="GA", zip_code="31525")


def test_an_address_belongs_to_at_most_one_letting(lettings_index):
    letting = make_letting(lettings_index)
    second = LettingPage(title="Second", address=letting.address)
    with pytest.raises(ValidationError) as raised:
        second.full_clean(exclude=["path", "depth", "url_path", "content_type"])
    assert "This address already belongs to another letting." in raised.value.message_dict["address"]


def test_an_address_in_use_cannot_be_deleted(lettings_index):
    letting = make_letting(lettings_index)
    with pytest.raises(ProtectedError), transaction.atomic():
        letting.address.delete()
    assert Address.objects.filter(pk=letting.address_id).exists()


def test_digit_only_slug_is_refused_because_old_links_use_it(lettings_index):
    letting = make_letting(lettings_index)
    letting.slug = "42"
    with pytest.raises(ValidationError) as raised:
        letting.full_clean()
    assert "only digits" in raised.value.message_dict["slug"][0]


def test_digit_only_title_gets_a_prefixed_slug(lettings_index):
    letting = make_letting(lettings_index, title="1984")
    assert letting.slug == "letting-1984"


def test_a_second_digit_only_title_gets_the_next_free_slug(lettings_index):
    make_letting(lettings_index, title="1984")
    assert make_letting(lettings_index, title="1984").slug == "letting-1984-2"
    assert make_letting(lettings_index, title="1984").slug == "letting-1984-3"


def test_card_image_is_the_first_photo(lettings_index):
    letting = make_letting(lettings_index, photos=2)
    assert letting.card_image.alt_text.endswith("view 0")
    assert make_letting(lettings_index).card_image is None
