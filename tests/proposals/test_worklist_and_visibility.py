"""The worklist (one query from the declaration) agrees with django-fsm's per-object guard,
and who sees what in each state."""

import pytest
from django.db.models import Q
from django_fsm import has_transition_perm

from portal.models import Role
from proposals.models import PROPOSAL_WORKFLOW, CityWorkflowPolicy, Proposal
from tests.factories import CommunityFactory, user_with_role
from tests.proposals.factories import Actors, fund_city, make_proposal
from workflows.engine import worklist

STATES = [
    "draft",
    "submitted",
    "endorsed",
    "revision_requested",
    "approved",
    "funded",
    "in_progress",
    "completed",
    "closed",
    "rejected",
    "withdrawn",
]


@pytest.fixture
def mixed(db):
    """Two cities (one without the ward step), two communities each, proposals in every state,
    one awaiting programme approval and one fully disbursed."""
    groups = []
    for ward_step in (True, False):
        first = Actors(CommunityFactory())
        second = Actors(CommunityFactory(ward=first.community.ward))
        CityWorkflowPolicy.objects.create(
            city=first.community.ward.city,
            ward_endorsement_required=ward_step,
            programme_threshold=300_000_000,
        )
        fund_city(first, 5_000_000_000)
        groups.extend([first, second])
    for group in groups:
        for state in STATES:
            make_proposal(group, state=state)
    big = make_proposal(groups[0], state="endorsed", amount=400_000_000)
    from proposals import services

    services.proposal_approve(proposal=big, by=groups[0].city)
    funded = make_proposal(groups[0], state="funded")
    assert funded.amount_left == 0
    staff = user_with_role(Role.PROGRAMME_STAFF)
    users = [staff, user_with_role(Role.TRAINER, groups[0].community.ward.city)]
    for group in groups:
        users += [group.rep, group.ward, group.city, group.secretary]
    return users


def _expected(user):
    result = set()
    for proposal in Proposal.objects.with_places():
        if any(
            has_transition_perm(getattr(proposal, name), user)
            for name in PROPOSAL_WORKFLOW.transition_names()
        ):
            result.add(proposal.pk)
    return result


def test_worklist_agrees_with_per_object_guard(mixed):
    assert Proposal.objects.filter(state="pending_programme").exists()
    non_empty = 0
    for user in mixed:
        got = set(worklist(user)[PROPOSAL_WORKFLOW].values_list("pk", flat=True))
        assert got == _expected(user), user
        non_empty += bool(got)
    assert non_empty >= 8


def test_worklist_is_one_query(mixed, django_assert_num_queries):
    user = mixed[2]
    user.memberships.all()  # memberships are read once per request anyway
    from portal.permissions import memberships_of

    memberships_of(user)
    with django_assert_num_queries(1):
        list(worklist(user)[PROPOSAL_WORKFLOW])


def test_visible_q_agrees_with_can_view(mixed):
    for user in mixed:
        visible = set(Proposal.objects.visible_to(user).values_list("pk", flat=True))
        expected = {p.pk for p in Proposal.objects.with_places() if PROPOSAL_WORKFLOW.can_view(user, p)}
        assert visible == expected


def test_drafts_are_private_to_their_community(actors):
    mine = make_proposal(actors, state="draft")
    neighbour = Actors(CommunityFactory(ward=actors.community.ward))
    theirs = make_proposal(neighbour, state="draft")
    visible = set(Proposal.objects.visible_to(actors.rep))
    assert mine in visible and theirs not in visible
    for user in (actors.ward, actors.city, actors.secretary, user_with_role(Role.PROGRAMME_STAFF)):
        assert not Proposal.objects.visible_to(user).filter(Q(pk=mine.pk) | Q(pk=theirs.pk)).exists()


@pytest.mark.parametrize(
    ("state", "editors"),
    [
        ("draft", {"rep"}),
        ("revision_requested", {"rep"}),
        ("submitted", set()),
        ("approved", set()),
        ("closed", set()),
    ],
)
def test_edit_by_state(actors, state, editors):
    proposal = make_proposal(actors, state=state)
    for name in ("rep", "ward", "city", "secretary"):
        assert PROPOSAL_WORKFLOW.can_edit(getattr(actors, name), proposal) == (name in editors)


@pytest.mark.parametrize("state", ["submitted", "endorsed", "approved", "closed", "rejected"])
def test_reviewers_see_after_submission_but_not_other_cities(actors, state):
    proposal = make_proposal(actors, state=state)
    for name in ("rep", "ward", "city", "secretary"):
        assert PROPOSAL_WORKFLOW.can_view(getattr(actors, name), proposal)
    stranger = Actors(CommunityFactory())
    for name in ("rep", "ward", "city", "secretary"):
        assert not PROPOSAL_WORKFLOW.can_view(getattr(stranger, name), proposal)
    assert not PROPOSAL_WORKFLOW.can_view(user_with_role(Role.TRAINER, actors.community.ward.city), proposal)
