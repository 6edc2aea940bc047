"""The Wagtail admin fires transitions through the services; diagrams come from the declaration."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.models import Role
from proposals.models import CityWorkflowPolicy, LedgerEntry, Proposal
from tests.factories import user_with_role
from tests.proposals.factories import make_proposal


@pytest.fixture
def staff(db):
    user = user_with_role(Role.PROGRAMME_STAFF, username="staffer", is_staff=True, is_superuser=True)
    return user


def test_admin_actions_go_through_the_service(actors, staff, client):
    CityWorkflowPolicy.objects.create(city=actors.community.ward.city, programme_threshold=10_000_000)
    proposal = make_proposal(actors, state="endorsed")
    from proposals import services

    services.proposal_approve(proposal=proposal, by=actors.city)
    client.force_login(staff)
    page = client.get(reverse("proposals_proposal_actions", args=[proposal.pk]))
    assert page.status_code == 200
    assert {a.name for a in page.context["actions"]} == {"programme_approve", "request_revision", "reject"}
    client.post(
        reverse("proposals_proposal_actions", args=[proposal.pk]),
        {"action": "reject", "state": "pending_programme", "comment": ""},
    )
    assert Proposal.objects.get(pk=proposal.pk).state == "pending_programme"  # comment required
    client.post(
        reverse("proposals_proposal_actions", args=[proposal.pk]),
        {"action": "programme_approve", "state": "pending_programme"},
    )
    assert Proposal.objects.get(pk=proposal.pk).state == "approved"


def test_admin_without_the_role_cannot_fire(actors, client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    proposal = make_proposal(actors, state="submitted")
    client.force_login(admin)
    client.post(
        reverse("proposals_proposal_actions", args=[proposal.pk]), {"action": "endorse", "state": "submitted"}
    )
    assert Proposal.objects.get(pk=proposal.pk).state == "submitted"


def test_admin_listings_and_no_ledger_edits(actors, staff, client):
    make_proposal(actors, state="funded")
    client.force_login(staff)
    for name in ("proposal", "cityworkflowpolicy", "cityfund", "ledgerentry"):
        response = client.get(reverse(f"wagtailsnippets_proposals_{name}:list"))
        assert response.status_code == 200, name
    entry = LedgerEntry.objects.first()
    assert client.get(reverse("wagtailsnippets_proposals_ledgerentry:add")).status_code in (302, 403)
    assert client.get(reverse("wagtailsnippets_proposals_ledgerentry:edit", args=[entry.pk])).status_code in (
        302,
        403,
    )
    assert client.get(reverse("wagtailsnippets_proposals_proposal:add")).status_code in (302, 403)
    assert (
        client.get(reverse("wagtailsnippets_proposals_ledgerentry:inspect", args=[entry.pk])).status_code
        == 200
    )


def test_diagram_page_follows_the_city_policy(actors, staff, client):
    city = actors.community.ward.city
    CityWorkflowPolicy.objects.create(city=city, ward_endorsement_required=False)
    client.force_login(staff)
    everything = client.get(reverse("workflows_diagram"))
    names = {e["name"] for e in everything.context["diagrams"][0]["edges"]}
    assert "endorse" in names
    for_city = client.get(reverse("workflows_diagram"), {"city": city.pk})
    edges = for_city.context["diagrams"][0]["edges"]
    assert "endorse" not in {e["name"] for e in edges}
    assert ("submitted", "approve") in {(e["source"], e["name"]) for e in edges}


def test_diagram_command(actors):
    out = io.StringIO()
    call_command("workflow_diagram", stdout=out)
    dot = out.getvalue()
    assert dot.startswith('digraph "proposal"') and '"submitted" -> "endorsed"' in dot
    assert '"endorsed" -> "pending_programme"' in dot
    CityWorkflowPolicy.objects.create(city=actors.community.ward.city, ward_endorsement_required=False)
    out = io.StringIO()
    call_command(
        "workflow_diagram", "--format", "mermaid", "--city", str(actors.community.ward.city.pk), stdout=out
    )
    mermaid = out.getvalue()
    assert "submitted --> endorsed" not in mermaid and "submitted --> approved" in mermaid


def test_svg_drawing_has_every_state_and_follows_the_policy(actors, staff, client):
    import xml.etree.ElementTree as ET

    from proposals.models import PROPOSAL_WORKFLOW, Proposal
    from workflows.diagram import workflow_svg

    ns = {"svg": "http://www.w3.org/2000/svg"}
    everything = ET.fromstring(workflow_svg(PROPOSAL_WORKFLOW))
    drawn = {g.get("data-state") for g in everything.iterfind(".//svg:g[@class='state']", ns)}
    assert drawn == set(Proposal.State.values)
    arrows = {
        "".join(g.find("svg:title", ns).itertext())
        for g in everything.iterfind(".//svg:g[@class='transition']", ns)
    }
    assert any(a.startswith("Endorse:") for a in arrows)
    assert not any("not used under this policy" in t for t in everything.itertext())

    policy = CityWorkflowPolicy.objects.create(
        city=actors.community.ward.city, ward_endorsement_required=False
    )
    without_ward = ET.fromstring(workflow_svg(PROPOSAL_WORKFLOW, policy))
    arrows = [
        g.find("svg:title", ns).text for g in without_ward.iterfind(".//svg:g[@class='transition']", ns)
    ]
    assert not any(a.startswith("Endorse") for a in arrows)
    assert "not used under this policy" in "".join(without_ward.itertext())

    client.force_login(staff)
    page = client.get(reverse("workflows_diagram"), {"city": actors.community.ward.city.pk})
    # one drawing per registered workflow (proposals, training sessions, forum minutes, exchanges)
    from workflows.engine import workflows

    assert page.content.decode().count('class="workflow-diagram"') == len(workflows()) >= 2
    out = io.StringIO()
    call_command("workflow_diagram", "--format", "svg", "--workflow", "proposal", stdout=out)
    ET.fromstring(out.getvalue())  # well-formed
