"""Factories for proposals, built through the real services."""

import datetime
import io

import factory

from portal.models import Role
from proposals import services
from proposals.models import PROPOSAL_WORKFLOW, LedgerEntry, Proposal
from tests.factories import CommunityFactory, user_with_role


class Actors:
    """One user per role over a community (made once per community)."""

    def __init__(self, community):
        self.community = community
        ward, city = community.ward, community.ward.city
        self.rep = user_with_role(Role.COMMUNITY_REPRESENTATIVE, community)
        self.ward = user_with_role(Role.WARD_OFFICER, ward)
        self.city = user_with_role(Role.CITY_OFFICIAL, city)
        self.secretary = user_with_role(Role.CDF_SECRETARY, city)


def fund_city(actors, amount=1_000_000_000):
    return services.fund_record_contribution(
        city=actors.community.ward.city,
        by=actors.secretary,
        kind=LedgerEntry.Kind.SEED_CAPITAL,
        amount=amount,
    )


def make_proposal(actors, *, state="draft", amount=50_000_000, funding_type="grant", **fields):
    """A proposal of actors.community, walked to `state` through the services."""
    data = {
        "title": "Bê tông hóa ngõ 5",
        "category": Proposal.Category.ROADS,
        "description": "Đổ bê tông 120 m ngõ",
        "location": "Ngõ 5",
        "households_planned": 40,
        "funding_type": funding_type,
        "repayment_months": 12 if funding_type == "loan" else None,
        "planned_start": datetime.date(2026, 3, 1),
        "planned_end": datetime.date(2026, 6, 30),
    }
    data.update(fields)
    p = services.proposal_create(community=actors.community, by=actors.rep, **data)
    contribution = amount // 5
    p = services.proposal_set_budget(
        proposal=p,
        by=actors.rep,
        lines=[{"item": "Xi măng", "quantity": 1, "unit": "lô", "unit_cost": amount + contribution}],
        requested_amount=amount,
        contribution_cash=contribution,
    )
    if not p.policy.ward_endorsement_required and state == "endorsed":
        state = "submitted"  # a city without the ward step has no "endorsed"
    # the walk comes from the declaration, under the city's policy
    for step in PROPOSAL_WORKFLOW.path_to(state, p.policy):
        p = advance(p, step, actors)
    assert p.state == state, (p.state, state)
    return Proposal.objects.with_places().get(pk=p.pk)


def advance(p, step, actors):
    a = actors
    if step == "submit":
        return services.proposal_submit(proposal=p, by=a.rep)
    ward_step = p.policy.ward_endorsement_required
    if step == "endorse":
        return services.proposal_endorse(proposal=p, by=a.ward)
    if step == "approve":
        return services.proposal_approve(proposal=p, by=a.city)
    if step == "request_revision":
        reviewer = a.ward if ward_step else a.city
        return services.proposal_request_revision(proposal=p, by=reviewer, comment="Thiếu bản đồ")
    if step == "disburse":
        if not LedgerEntry.objects.filter(fund__city=a.community.ward.city).exists():
            fund_city(a)
        return services.proposal_disburse(proposal=p, by=a.secretary, amount=p.approved_amount)
    if step == "start":
        return services.proposal_start(proposal=p, by=a.rep)
    if step == "complete":
        return services.proposal_complete(
            proposal=p, by=a.rep, actual_households=42, actual_cost=p.approved_amount, report="Xong"
        )
    if step == "close":
        return services.proposal_close(proposal=p, by=a.city)
    if step == "reject":
        return services.proposal_reject(proposal=p, by=a.city, comment="Không phù hợp")
    if step == "withdraw":
        return services.proposal_withdraw(proposal=p, by=a.rep)
    if step == "programme_approve":
        return services.proposal_programme_approve(proposal=p, by=user_with_role(Role.PROGRAMME_STAFF))
    if step == "resubmit":
        return services.proposal_resubmit(proposal=p, by=a.rep)
    raise ValueError(step)


def _png():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


PNG = _png()  # a real image: uploads are opened with Pillow
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


__all__ = ["Actors", "CommunityFactory", "factory", "io", "make_proposal", "upload"]
