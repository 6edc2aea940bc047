import pytest

from portal.text import fold, normalize_phone
from tests.factories import CityFactory, PersonFactory


@pytest.mark.parametrize(
    "name,folded",
    [
        ("Đà Nẵng", "da nang"),
        ("Hà Nội", "ha noi"),
        ("  Buôn   Ma Thuột ", "buon ma thuot"),
        ("ĐẶNG THỊ ĐÀO", "dang thi dao"),
        ("Quy Nhơn", "quy nhon"),
        ("", ""),
    ],
)
def test_fold(name, folded):
    assert fold(name) == folded


@pytest.mark.parametrize(
    "phone,normalized",
    [("0912 345 678", "0912345678"), ("+84 912-345-678", "0912345678"), ("(0238) 384 1234", "02383841234")],
)
def test_normalize_phone(phone, normalized):
    assert normalize_phone(phone) == normalized


def test_places_and_people_store_their_folded_names(db):
    city = CityFactory(name="Đông Hà")
    person = PersonFactory(name="Đỗ Thị Hằng", phone="+84 912 000 111", city=city)
    assert city.name_folded == "dong ha"
    assert person.name_folded == "do thi hang"
    assert person.phone_normalized == "0912000111"
    city.name = "Đồng Hới"
    city.save(update_fields=["name"])
    city.refresh_from_db()
    assert city.name_folded == "dong hoi"


def test_display_name_puts_the_family_name_first(db):
    from portal.text import display_name
    from tests.factories import UserFactory

    assert display_name(UserFactory(first_name="Thị Nhung", last_name="Vũ")) == "Vũ Thị Nhung"
    assert display_name(UserFactory(username="lan", first_name="", last_name="")) == "lan"
    assert display_name(None) == ""
