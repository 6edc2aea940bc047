"""Every transition × every role × own / other scope: allowed or refused, through the real
services (default policy: ward endorsement required, programme approval above 200M VND)."""

import pytest
from django_fsm_log.models import StateLog

from portal.models import Role
from proposals.models import CityWorkflowPolicy, Proposal
from tests.factories import CommunityFactory, WardFactory, user_with_role
from tests.proposals.factories import fund_city, make_proposal
from workflows.engine import TransitionRefused

ROLES = [
    Role.COMMUNITY_REPRESENTATIVE,
    Role.WARD_OFFICER,
    Role.CITY_OFFICIAL,
    Role.CDF_SECRETARY,
    Role.PROGRAMME_STAFF,
    Role.TRAINER,
]

# (transition, from state, the role that may fire it, target)
CASES = [
    ("submit", "draft", Role.COMMUNITY_REPRESENTATIVE, "submitted"),
    ("endorse", "submitted", Role.WARD_OFFICER, "endorsed"),
    ("request_revision", "submitted", Role.WARD_OFFICER, "revision_requested"),
    ("approve", "endorsed", Role.CITY_OFFICIAL, "approved"),
    ("request_revision", "endorsed", Role.CITY_OFFICIAL, "revision_requested"),
    ("reject", "endorsed", Role.CITY_OFFICIAL, "rejected"),
    ("resubmit", "revision_requested", Role.COMMUNITY_REPRESENTATIVE, "submitted"),
    ("withdraw", "draft", Role.COMMUNITY_REPRESENTATIVE, "withdrawn"),
    ("withdraw", "submitted", Role.COMMUNITY_REPRESENTATIVE, "withdrawn"),
    ("withdraw", "endorsed", Role.COMMUNITY_REPRESENTATIVE, "withdrawn"),
    ("withdraw", "revision_requested", Role.COMMUNITY_REPRESENTATIVE, "withdrawn"),
    ("disburse", "approved", Role.CDF_SECRETARY, "funded"),
    ("start", "funded", Role.COMMUNITY_REPRESENTATIVE, "in_progress"),
    ("complete", "in_progress", Role.COMMUNITY_REPRESENTATIVE, "completed"),
    ("close", "completed", Role.CITY_OFFICIAL, "closed"),
]
# actions that are never possible from a state, whoever asks
IMPOSSIBLE = [
    ("withdraw", "approved"),
    ("approve", "draft"),
    ("endorse", "revision_requested"),
    ("disburse", "submitted"),
    ("close", "in_progress"),
    ("reject", "closed"),
    ("submit", "rejected"),
]


def _actor(role, community, scope):
    """A user with `role` over the proposal's community ("own") or over a sibling place
    ("other": another community of the ward, another ward of the city, another city)."""
    if role == Role.PROGRAMME_STAFF or (role == Role.TRAINER and scope == "own"):
        return user_with_role(role, None if role == Role.PROGRAMME_STAFF else community.ward.city)
    if scope == "own":
        place = {
            Role.COMMUNITY_REPRESENTATIVE: community,
            Role.WARD_OFFICER: community.ward,
        }.get(role, community.ward.city)
        return user_with_role(role, place)
    place = {
        Role.COMMUNITY_REPRESENTATIVE: CommunityFactory(ward=community.ward),
        Role.WARD_OFFICER: WardFactory(city=community.ward.city),
    }.get(role) or CommunityFactory().ward.city
    return user_with_role(role, place)


@pytest.mark.parametrize("scope", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "source", "allowed_role", "target"), CASES)
def test_matrix(actors, fire, name, source, allowed_role, target, role, scope):
    proposal = make_proposal(actors, state=source)
    if name == "disburse":
        fund_city(actors)
    user = _actor(role, actors.community, scope)
    logs_before = StateLog.objects.count()
    allowed = role == allowed_role and (scope == "own" or role == Role.PROGRAMME_STAFF)
    if allowed:
        result = fire(name, proposal, user)
        assert result.state == target
        assert StateLog.objects.count() == logs_before + 1
    else:
        with pytest.raises(TransitionRefused):
            fire(name, proposal, user)
        assert Proposal.objects.get(pk=proposal.pk).state == source
        assert StateLog.objects.count() == logs_before


@pytest.mark.parametrize(("name", "source"), IMPOSSIBLE)
def test_impossible_from_state(actors, fire, name, source):
    proposal = make_proposal(actors, state=source)
    for user in (
        actors.rep,
        actors.ward,
        actors.city,
        actors.secretary,
        user_with_role(Role.PROGRAMME_STAFF),
    ):
        with pytest.raises(TransitionRefused):
            fire(name, proposal, user)
    assert Proposal.objects.get(pk=proposal.pk).state == source


def test_any_representative_of_the_community_can_act(actors):
    from proposals import services

    proposal = make_proposal(actors, state="draft")
    colleague = user_with_role(Role.COMMUNITY_REPRESENTATIVE, actors.community)
    assert services.proposal_submit(proposal=proposal, by=colleague).state == "submitted"


def test_comment_required_for_revision_and_rejection(actors):
    from proposals import services

    proposal = make_proposal(actors, state="endorsed")
    for action in (services.proposal_request_revision, services.proposal_reject):
        with pytest.raises(TransitionRefused) as info:
            action(proposal=proposal, by=actors.city, comment="   ")
        assert "comment" in info.value.field_errors
    assert Proposal.objects.get(pk=proposal.pk).state == "endorsed"


def test_history_records_actor_time_comment(actors):
    from proposals import services
    from workflows.engine import history

    proposal = make_proposal(actors, state="endorsed")
    services.proposal_request_revision(proposal=proposal, by=actors.city, comment="Thiếu bản đồ khu vực")
    last = list(history(proposal))[-1]
    assert (last.source_state, last.state, last.transition) == (
        "endorsed",
        "revision_requested",
        "request_revision",
    )
    assert last.by == actors.city
    assert last.description == "Thiếu bản đồ khu vực"
    assert last.timestamp is not None


class TestPolicy:
    def test_without_ward_step_the_city_acts_on_submitted(self, actors):
        from proposals import services

        CityWorkflowPolicy.objects.create(city=actors.community.ward.city, ward_endorsement_required=False)
        proposal = make_proposal(actors, state="submitted")
        with pytest.raises(TransitionRefused):
            services.proposal_endorse(proposal=proposal, by=actors.ward)
        with pytest.raises(TransitionRefused):
            services.proposal_request_revision(proposal=proposal, by=actors.ward, comment="x")
        assert services.proposal_approve(proposal=proposal, by=actors.city).state == "approved"

    def test_with_ward_step_the_city_waits_for_the_ward(self, actors):
        from proposals import services

        proposal = make_proposal(actors, state="submitted")
        with pytest.raises(TransitionRefused):
            services.proposal_approve(proposal=proposal, by=actors.city)
        with pytest.raises(TransitionRefused):
            services.proposal_reject(proposal=proposal, by=actors.city, comment="x")

    def test_above_threshold_programme_staff_approve_too(self, actors):
        from proposals import services

        CityWorkflowPolicy.objects.create(city=actors.community.ward.city, programme_threshold=100_000_000)
        proposal = make_proposal(actors, state="endorsed", amount=150_000_000)
        proposal = services.proposal_approve(proposal=proposal, by=actors.city)
        assert proposal.state == "pending_programme"
        with pytest.raises(TransitionRefused):
            services.proposal_disburse(proposal=proposal, by=actors.secretary, amount=1)
        with pytest.raises(TransitionRefused):
            services.proposal_programme_approve(proposal=proposal, by=actors.city)
        staff = user_with_role(Role.PROGRAMME_STAFF)
        assert services.proposal_programme_approve(proposal=proposal, by=staff).state == "approved"

    def test_at_or_below_threshold_city_approval_is_final(self, actors):
        from proposals import services

        CityWorkflowPolicy.objects.create(city=actors.community.ward.city, programme_threshold=100_000_000)
        proposal = make_proposal(actors, state="endorsed", amount=100_000_000)
        assert services.proposal_approve(proposal=proposal, by=actors.city).state == "approved"

    def test_community_may_withdraw_while_awaiting_programme(self, actors):
        from proposals import services

        CityWorkflowPolicy.objects.create(city=actors.community.ward.city, programme_threshold=1)
        proposal = make_proposal(actors, state="endorsed")
        proposal = services.proposal_approve(proposal=proposal, by=actors.city)
        assert services.proposal_withdraw(proposal=proposal, by=actors.rep).state == "withdrawn"
