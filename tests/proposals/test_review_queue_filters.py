"""The review queue's filters: what is chosen stays selected, and only wards in scope are offered."""

from django.urls import reverse

from tests.proposals.factories import make_proposal


def test_the_chosen_filters_stay_selected(actors, client):
    make_proposal(actors, state="submitted")
    ward = actors.community.ward
    client.force_login(actors.city)
    page = client.get(
        reverse("proposals:review_queue"), {"state": "submitted", "ward": ward.pk, "awaiting": "on"}
    ).content.decode()
    assert '<option value="submitted" selected>' in page
    assert f'<option value="{ward.pk}" selected>' in page
    assert "checked" in page
    assert page.count(" selected>") == 4  # state, ward, category ("All") and the language
    page = client.get(reverse("proposals:review_queue"), {"ward": "abc"}).content.decode()
    assert page.count(" selected>") == 3  # state and category "All", the language; junk ward: none


def test_the_ward_filter_offers_and_accepts_only_wards_the_user_covers(actors, client):
    from portal.models import Role
    from tests.factories import CommunityFactory, WardFactory, user_with_role
    from tests.proposals.factories import Actors

    own = actors.community.ward
    sibling = WardFactory(city=own.city, name="Phường Bến Thủy")
    elsewhere = Actors(CommunityFactory(ward__name="Phường Ngoài"))
    make_proposal(elsewhere, state="submitted", title="Dự án nơi khác")
    url = reverse("proposals:review_queue")

    client.force_login(actors.city)  # the whole city: its wards, not another city's
    page = client.get(url).content.decode()
    assert f'value="{own.pk}"' in page and f'value="{sibling.pk}"' in page
    assert "Phường Ngoài" not in page
    # asking for a ward of another city is ignored: nothing of that city shows
    page = client.get(url, {"ward": elsewhere.community.ward.pk}).content.decode()
    assert "Dự án nơi khác" not in page and "Phường Ngoài" not in page

    client.force_login(actors.ward)  # one ward: only it
    page = client.get(url).content.decode()
    assert f'value="{own.pk}"' in page and f'value="{sibling.pk}"' not in page

    staff = user_with_role(Role.PROGRAMME_STAFF)
    client.force_login(staff)  # national: every ward, cities named
    page = client.get(url).content.decode()
    assert f"Phường Ngoài · {elsewhere.community.ward.city.name}" in page
