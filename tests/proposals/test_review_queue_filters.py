"""The review queue's filter form, written out by hand for speed, still shows what is chosen."""

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
