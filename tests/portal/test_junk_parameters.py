"""Every filter and query value is validated: junk in the query string of the portal's list
pages and of the admin's views gives 404 or is ignored, never a server error. (The test
client raises any exception a view lets through, so a 500 fails the test with its traceback.)"""

import pytest
from django.urls import reverse
from wagtail.snippets.models import get_snippet_models

from portal.models import Role
from tests.factories import CommunityFactory, PersonFactory, user_with_role
from tests.proposals.factories import Actors, make_proposal
from tests.training import factories

JUNK = [
    "abc",
    "-1",
    "0",
    "1.5",
    "1e5",
    "99999999999999999999999999",
    "²",
    "١٢",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\x00",
    "%00",
    "[]",
    "9" * 400,
    "",
]
PARAMS = [
    "page",
    "p",
    "q",
    "ordering",
    "status",
    "state",
    "ward",
    "city",
    "category",
    "awaiting",
    "day",
    "format",
    "template",
    "export",
    "group",
    "year_from",
    "year_to",
    "keep",
    "remove",
    "course",
    "role",
    "kind",
    "funding_type",
    "community__ward__city",
    "fund__city",
    "session__city",
    "walk_in",
]
OK = {200, 302, 400, 403, 404}


@pytest.fixture
def pages(db):
    actors = Actors(CommunityFactory())
    proposal = make_proposal(actors, state="submitted")
    session = factories.session(days=2)
    factories.roster(session, 2)
    PersonFactory()
    staff = user_with_role(Role.PROGRAMME_STAFF, username="staffer", is_staff=True, is_superuser=True)
    urls = [
        reverse("portal:my_work"),
        reverse("portal:people_duplicates"),
        reverse("portal:person_merge"),
        reverse("proposals:review_queue"),
        reverse("proposals:proposal_export", args=["csv"]),
        reverse("proposals:proposal_detail", args=[proposal.pk]),
        reverse("proposals:fund_list"),
        reverse("training:session_list"),
        reverse("training:statistics"),
        reverse("training:session_detail", args=[session.pk]),
        reverse("training:export_sheet", args=[session.pk]),
        reverse("search:page"),
        reverse("search:api"),
    ]
    admin = [reverse("workflows_diagram"), reverse("wagtailadmin_home")]
    for model in get_snippet_models():
        meta = model._meta
        admin.append(reverse(f"wagtailsnippets_{meta.app_label}_{meta.model_name}:list"))
    return staff, urls, admin


def test_junk_in_every_parameter_at_once(client, pages):
    """Each form field and filter is cleaned on its own, so one bad value does not hide
    another: all parameters at once, one junk value at a time, on every page."""
    staff, urls, admin = pages
    client.force_login(staff)
    for url in urls + admin:
        for junk in JUNK:
            response = client.get(url, dict.fromkeys(PARAMS, junk))
            assert response.status_code in OK, (url, junk, response.status_code)


def test_junk_in_each_parameter_alone(client, pages):
    """One parameter at a time on the portal's own pages (the others valid or absent)."""
    staff, urls, _ = pages
    client.force_login(staff)
    hard = ["99999999999999999999999999", "\x00", "²", "abc", "-1"]
    for u, url in enumerate(urls):
        for i, name in enumerate(PARAMS):
            junk = hard[(u + i) % len(hard)]
            response = client.get(url, {name: junk})
            assert response.status_code in OK, (url, name, junk, response.status_code)


def test_the_reported_ones(client, pages):
    staff, _, _ = pages
    client.force_login(staff)
    assert client.get(reverse("workflows_diagram"), {"city": "abc"}).status_code == 200
    assert client.get(reverse("workflows_diagram"), {"city": "²"}).status_code == 200
    assert client.get(reverse("proposals:review_queue"), {"ward": "abc"}).status_code == 200
