import pytest
from django.urls import reverse
from django.utils import translation

from portal.models import Role
from portal.templatetags.portal_format import num, vnd
from tests.factories import CommunityFactory, SavingsGroupFactory, user_with_role


@pytest.mark.parametrize(
    "language,heading,figure",
    [("vi", "thành phố thành viên", "15.000.000\u00a0₫"), ("en", "member cities", "VND\u00a015,000,000")],
)
def test_home_page_in_each_language(client, db, language, heading, figure):
    SavingsGroupFactory(savings_balance=15_000_000)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert figure in html


def test_vietnamese_is_the_default_language(client, db):
    response = client.get("/")
    assert '<html lang="vi">' in response.content.decode()


def test_language_switch_sticks(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()


def test_my_work_needs_login(client, db):
    response = client.get(reverse("portal:my_work"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_my_work_lists_the_users_roles(client, db):
    community = CommunityFactory(name="Khối 5")
    user = user_with_role(Role.COMMUNITY_REPRESENTATIVE, community)
    client.force_login(user)
    response = client.get(reverse("portal:my_work"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Community representative" in response.content.decode()
    assert "Khối 5" in response.content.decode()


def test_login_and_password_reset_pages(client, db, mailoutbox):
    user = user_with_role(Role.PROGRAMME_STAFF, None, username="ngoc", email="ngoc@example.org")
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "ngoc", "password": "pw"})
    assert response.status_code == 302
    client.logout()
    response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_logout_is_a_post(client, db):
    client.force_login(user_with_role(Role.PROGRAMME_STAFF))
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("portal:my_work")).status_code == 302


@pytest.mark.parametrize(
    "language,amount,expected",
    [
        ("vi", 1_500_000, "1.500.000\u00a0₫"),
        ("en", 1_500_000, "VND\u00a01,500,000"),
        ("vi", -20_000, "-20.000\u00a0₫"),
    ],
)
def test_money_is_formatted_for_the_locale(language, amount, expected):
    with translation.override(language):
        assert vnd(amount) == expected


def test_dates_are_day_first_in_both_languages():
    import datetime

    from django.utils.formats import date_format

    with translation.override("vi"):
        assert date_format(datetime.date(2016, 3, 8), "SHORT_DATE_FORMAT") == "08/03/2016"
        assert num(2411) == "2.411"
    with translation.override("en"):
        assert date_format(datetime.date(2016, 3, 8), "SHORT_DATE_FORMAT") == "08/03/2016"
        assert num(2411) == "2,411"


def test_no_page_asks_an_outside_host(client, db):
    html = client.get("/").content.decode()
    for outside in ("https://", "http://", "//fonts.", "cdn"):
        assert outside not in html.replace('href="/', "").split("<main")[0], outside


@pytest.mark.parametrize("language,text", [("vi", "Không tìm thấy trang"), ("en", "Page not found")])
def test_not_found_page_is_the_portals_own(client, db, language, text):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert text in response.content.decode()


def test_forbidden_page_is_the_portals_own(client, db):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("nobody"))
    response = client.get(reverse("portal:people_duplicates"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
