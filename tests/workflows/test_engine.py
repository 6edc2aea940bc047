"""The engine's rules, checked over every registered workflow: guards declared, refused when
missing, worklists and visibility as one Q that agrees with the per-object checks, walks derived
from the declaration, and the per-object (local) roles."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from portal.models import Role
from portal.permissions import scope_q, user_has_role, users_with_role
from proposals.models import PROPOSAL_WORKFLOW, CityWorkflowPolicy, Proposal
from tests.factories import CityFactory, CommunityFactory, user_with_role
from tests.proposals.factories import Actors, fund_city, make_proposal
from tests.training import factories as training
from training import services as training_services
from training.models import TRAINING_WORKFLOW, TrainingSession
from workflows.engine import Allow, Guard, TransitionRefused, action, register, workflows


def test_every_registered_workflow_guards_every_transition_and_has_urls():
    assert {wf.model for wf in workflows()} >= {Proposal, TrainingSession}
    for wf in workflows():
        assert wf.undeclared_guards() == [], wf.model
        assert hasattr(wf.model, "get_absolute_url"), wf.model
        for name in wf.transition_names():
            spec = wf.spec(name)
            assert spec.custom.get("label"), (wf.model, name)
            assert spec.permission.allows, (wf.model, name)


def test_a_transition_cannot_be_declared_without_a_guard():
    with pytest.raises(ImproperlyConfigured):
        action(field="state", source="a", target="b", guard=None, label="x")
    with pytest.raises(ImproperlyConfigured):
        action(field="state", source="a", target="b", guard=Guard(), label="x")


def test_register_refuses_a_workflow_with_an_unguarded_transition(monkeypatch):
    spec = PROPOSAL_WORKFLOW.spec("submit")
    monkeypatch.setattr(spec, "permission", None)
    with pytest.raises(ImproperlyConfigured, match="submit"):
        register(PROPOSAL_WORKFLOW)


def test_a_transition_without_a_guard_is_refused_even_to_its_actor(actors, monkeypatch):
    proposal = make_proposal(actors)
    spec = PROPOSAL_WORKFLOW.spec("submit")
    monkeypatch.setattr(spec, "permission", None)
    assert "submit" not in PROPOSAL_WORKFLOW.available_transitions(proposal, actors.rep)
    from proposals import services

    with pytest.raises(TransitionRefused):
        services.proposal_submit(proposal=proposal, by=actors.rep)
    assert Proposal.objects.get(pk=proposal.pk).state == "draft"


def test_a_user_without_any_role_may_fire_nothing(actors, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", "n@example.org", "pw")
    for state in ("draft", "submitted", "endorsed"):
        proposal = make_proposal(actors, state=state)
        assert PROPOSAL_WORKFLOW.actions_for(proposal, nobody) == []


def test_actions_for_lists_label_comment_rule_and_form(actors):
    proposal = make_proposal(actors, state="submitted")
    actions = {a.name: a for a in PROPOSAL_WORKFLOW.actions_for(proposal, actors.ward)}
    assert set(actions) == {"endorse", "request_revision"}
    assert actions["request_revision"].comment_required
    assert str(actions["endorse"].label) == "Endorse"


def test_allow_limited_to_sources_applies_only_from_them(actors):
    """request_revision is declared once; the ward acts on submitted, the city on endorsed."""
    submitted = make_proposal(actors, state="submitted")
    endorsed = make_proposal(actors, state="endorsed")
    assert "request_revision" in PROPOSAL_WORKFLOW.available_transitions(submitted, actors.ward)
    assert "request_revision" not in PROPOSAL_WORKFLOW.available_transitions(endorsed, actors.ward)
    assert "request_revision" in PROPOSAL_WORKFLOW.available_transitions(endorsed, actors.city)
    assert "request_revision" not in PROPOSAL_WORKFLOW.available_transitions(submitted, actors.city)


def test_paths_are_derived_from_the_declaration_and_follow_the_policy():
    with_ward = CityWorkflowPolicy(ward_endorsement_required=True)
    without = CityWorkflowPolicy(ward_endorsement_required=False)
    assert PROPOSAL_WORKFLOW.path_to("closed", with_ward) == [
        "submit",
        "endorse",
        "approve",
        "disburse",
        "start",
        "complete",
        "close",
    ]
    assert PROPOSAL_WORKFLOW.path_to("rejected", with_ward) == ["submit", "endorse", "reject"]
    assert PROPOSAL_WORKFLOW.path_to("rejected", without) == ["submit", "reject"]
    assert PROPOSAL_WORKFLOW.path_to("draft") == []
    with pytest.raises(ValueError):
        PROPOSAL_WORKFLOW.path_to("endorsed", without)
    assert TRAINING_WORKFLOW.steps_to("report_submitted") == [
        ("mark_held", "held"),
        ("submit_report", "report_submitted"),
    ]


# --- per-object roles: the trainers listed on a session ---------------------------------------


@pytest.fixture
def sessions(db):
    city, other = CityFactory(), CityFactory()
    listed = user_with_role(Role.TRAINER, city)
    unlisted = user_with_role(Role.TRAINER, city)
    elsewhere = user_with_role(Role.TRAINER, other)  # listed, but their role covers another city
    national = user_with_role(Role.TRAINER)  # a national trainer, listed
    mine = training.session(city=city, trainers=[listed, elsewhere, national])
    theirs = training.session(city=city, trainers=[unlisted])
    return (
        {"listed": listed, "unlisted": unlisted, "elsewhere": elsewhere, "national": national},
        mine,
        theirs,
    )


def test_a_local_role_needs_the_listing_and_the_scope(sessions):
    who, mine, theirs = sessions
    assert user_has_role(who["listed"], Role.TRAINER, mine)
    assert user_has_role(who["national"], Role.TRAINER, mine)
    assert not user_has_role(who["unlisted"], Role.TRAINER, mine)
    assert not user_has_role(who["elsewhere"], Role.TRAINER, mine)
    assert user_has_role(who["unlisted"], Role.TRAINER, theirs)
    for user in who.values():
        expected = {s.pk for s in (mine, theirs) if user_has_role(user, Role.TRAINER, s)}
        got = set(
            TrainingSession.objects.filter(scope_q(TrainingSession, user, Role.TRAINER)).values_list(
                "pk", flat=True
            )
        )
        assert got == expected
    assert set(users_with_role(mine, Role.TRAINER)) == {who["listed"], who["national"]}


@pytest.mark.parametrize(
    "who, may",
    [("listed", True), ("national", True), ("unlisted", False), ("elsewhere", False)],
)
def test_only_listed_trainers_in_scope_mark_a_session_held(sessions, who, may):
    users, mine, _theirs = sessions
    if may:
        session = training_services.session_mark_held(session=mine, by=users[who], comment="Đủ học viên")
        assert session.status == "held"
    else:
        with pytest.raises(TransitionRefused):
            training_services.session_mark_held(session=mine, by=users[who])
        assert TrainingSession.objects.get(pk=mine.pk).status == "planned"


def test_a_session_is_marked_held_only_once_it_has_started(db):
    staff = user_with_role(Role.PROGRAMME_STAFF)
    future = training.session(start=timezone.localdate() + datetime.timedelta(days=3))
    assert TRAINING_WORKFLOW.actions_for(future, staff) == [
        a for a in TRAINING_WORKFLOW.actions_for(future, staff) if a.name != "mark_held"
    ]
    with pytest.raises(TransitionRefused, match="not possible yet"):
        training_services.session_mark_held(session=future, by=staff)
    assert (
        not TrainingSession.objects.filter(
            TRAINING_WORKFLOW.worklist_q(staff), pk=future.pk, status="planned"
        )
        .filter(starts_at__lte=timezone.now())
        .exists()
    )


def test_cancel_needs_a_reason_and_locks_the_session(db):
    staff = user_with_role(Role.PROGRAMME_STAFF)
    session = training.session()
    with pytest.raises(TransitionRefused, match="comment"):
        training_services.session_cancel(session=session, by=staff, comment="")
    session = training_services.session_cancel(session=session, by=staff, comment="Bão")
    assert session.status == "cancelled" and session.is_closed
    assert not TRAINING_WORKFLOW.can_edit(staff, session)
    from workflows.engine import history

    assert [(h.transition, h.description) for h in history(session)] == [("cancel", "Bão")]


# --- one Q agrees with the per-object checks, for every registered workflow -------------------


@pytest.fixture
def mixed_world(db):
    """Proposals in every state in two cities (with and without the ward step) and training
    sessions in every state with listed and unlisted trainers; users of every role."""
    groups = []
    for ward_step in (True, False):
        group = Actors(CommunityFactory())
        CityWorkflowPolicy.objects.create(city=group.community.ward.city, ward_endorsement_required=ward_step)
        fund_city(group)
        groups.append(group)
        for state in ("draft", "submitted", "endorsed", "approved", "funded", "in_progress", "completed"):
            make_proposal(group, state=state)
    staff = user_with_role(Role.PROGRAMME_STAFF)
    users = [staff]
    for group in groups:
        city = group.community.ward.city
        listed, unlisted = user_with_role(Role.TRAINER, city), user_with_role(Role.TRAINER, city)
        users += [group.rep, group.ward, group.city, group.secretary, listed, unlisted]
        planned = training.session(city=city, trainers=[listed])
        training.session(
            city=city, trainers=[unlisted], start=timezone.localdate() + datetime.timedelta(days=5)
        )
        held = training.session(city=city, trainers=[listed])
        held = training_services.session_mark_held(session=held, by=staff)
        done = training_services.session_mark_held(
            session=training.session(city=city, trainers=[listed]), by=staff
        )
        training_services.session_submit_report(session=done, by=staff, topics_covered="Sổ quỹ")
        training_services.session_cancel(session=training.session(city=city), by=staff, comment="Hoãn")
        assert planned and held
    return users


def test_worklist_and_visibility_agree_with_the_per_object_checks(mixed_world):
    for wf in workflows():
        if wf.model not in (Proposal, TrainingSession):
            continue  # other apps test their own data
        rows = list(wf.model._default_manager.select_related(*wf.related).prefetch_related(*wf.prefetch))
        assert rows
        for user in mixed_world:
            by_q = set(wf.model._default_manager.filter(wf.worklist_q(user)).values_list("pk", flat=True))
            by_guard = {r.pk for r in rows if wf.available_transitions(r, user)}
            assert by_q == by_guard, (wf.model, user)
            seen_q = set(wf.model._default_manager.filter(wf.visible_q(user)).values_list("pk", flat=True))
            seen = {r.pk for r in rows if wf.can_view(user, r)}
            assert seen_q == seen, (wf.model, user)
            edit_q = set(wf.model._default_manager.filter(wf.editable_q(user)).values_list("pk", flat=True))
            assert edit_q == {r.pk for r in rows if wf.can_edit(user, r)}, (wf.model, user)


def test_guard_object_is_callable_and_a_q(actors):
    guard = Guard(Allow(Role.CITY_OFFICIAL))
    proposal = make_proposal(actors, state="submitted")
    assert guard(proposal, actors.city) and not guard(proposal, actors.ward)
    assert Proposal.objects.filter(guard.q(Proposal, actors.city)).count() == 1
    assert guard.q(Proposal, actors.ward) is None


def test_a_transition_costs_few_queries(
    actors, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Approving used to cost 23 queries, 11 of them from full_clean re-reading unchanged foreign
    keys and constraints. Now: lock (with the city's policy), the user's memberships, the history
    row, the update, and their savepoints."""
    from proposals import services

    proposal = Proposal.objects.with_places().get(pk=make_proposal(actors, state="endorsed").pk)
    with django_assert_max_num_queries(8):
        services.proposal_approve(proposal=proposal, by=actors.city, comment="Đồng ý")
    assert Proposal.objects.get(pk=proposal.pk).state == "approved"


def test_awaiting_my_action_lists_every_workflow(actors, client):
    """One panel on My work over every registered workflow: a listed trainer sees
    the session to mark held; a city official sees the proposal to approve."""
    from django.urls import reverse

    city = actors.community.ward.city
    trainer = user_with_role(Role.TRAINER, city)
    session = training.session(city=city, trainers=[trainer], code="vinh-cho-xu-ly")
    proposal = make_proposal(actors, state="endorsed", title="Lát gạch ngõ 9")
    client.force_login(trainer)
    body = client.get(reverse("portal:my_work")).content.decode()
    assert session.get_absolute_url() in body
    assert proposal.get_absolute_url() not in body
    client.force_login(actors.city)
    body = client.get(reverse("portal:my_work")).content.decode()
    assert proposal.get_absolute_url() in body and "Lát gạch ngõ 9" in body
    assert session.get_absolute_url() not in body
