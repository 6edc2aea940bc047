"""Demo proposals: about 45 across three cities, in every state, with their review histories,
city funds, disbursements and loan repayments, all made through the real services.
Idempotent: a proposal already there (same community and title) is left alone."""

import datetime
import random

from django.contrib.auth import get_user_model

from portal.demo import DEMO_CITY, demo_places
from portal.models import City, Role
from portal.services import membership_grant
from workflows.notifications import muted

from . import services
from .models import PROPOSAL_WORKFLOW, CityWorkflowPolicy, LedgerEntry, Proposal

TITLES = {
    "water": ["Lắp đường ống nước sạch", "Giếng khoan và bể lọc", "Nối mạng cấp nước"],
    "drainage": ["Cải tạo mương thoát nước", "Nạo vét cống ngõ", "Làm rãnh thoát nước mưa"],
    "roads": ["Bê tông hóa ngõ", "Lát gạch đường nội khối", "Nâng cốt nền ngõ ngập"],
    "lighting": ["Lắp đèn chiếu sáng ngõ", "Đèn năng lượng mặt trời"],
    "housing": ["Sửa chữa nhà cho hộ nghèo", "Chống dột mái nhà"],
    "building": ["Sửa nhà sinh hoạt cộng đồng", "Làm sân chơi cho trẻ em"],
    "waste": ["Điểm tập kết rác", "Thùng phân loại rác"],
}

# (state, funding type, amount in VND) per city, in order; communities take turns
PLAN = {
    "vinh": [
        ("draft", "grant", 45_000_000),
        ("draft", "loan", 60_000_000),
        ("submitted", "grant", 80_000_000),
        ("submitted", "grant", 35_000_000),
        ("endorsed", "grant", 120_000_000),
        ("endorsed", "grant", 90_000_000),
        ("revision_requested", "grant", 55_000_000),
        ("revision_requested", "loan", 70_000_000),
        ("pending_programme", "grant", 260_000_000),
        ("approved", "grant", 75_000_000),
        ("approved", "loan", 50_000_000),
        ("funded", "grant", 95_000_000),
        ("funded", "loan", 40_000_000),
        ("in_progress", "grant", 110_000_000),
        ("in_progress", "loan", 30_000_000),
        ("completed", "grant", 65_000_000),
        ("completed", "loan", 48_000_000),
        ("closed", "grant", 85_000_000),
        ("closed", "grant", 150_000_000),
        ("closed", "loan", 36_000_000),
        ("rejected", "grant", 180_000_000),
        ("withdrawn", "grant", 25_000_000),
        ("withdrawn", "grant", 42_000_000),
        ("funded", "grant", 130_000_000),
        ("submitted", "loan", 28_000_000),
        ("approved", "grant", 66_000_000),
        ("closed", "loan", 24_000_000),
    ],
    # the second demo city needs no ward endorsement and asks programme staff above 150M
    "second": [
        ("draft", "grant", 38_000_000),
        ("submitted", "grant", 72_000_000),
        ("submitted", "grant", 190_000_000),
        ("revision_requested", "grant", 44_000_000),
        ("pending_programme", "grant", 210_000_000),
        ("approved", "loan", 52_000_000),
        ("funded", "grant", 88_000_000),
        ("in_progress", "grant", 61_000_000),
        ("closed", "loan", 33_000_000),
        ("rejected", "grant", 99_000_000),
    ],
    "third": [
        ("submitted", "grant", 47_000_000),
        ("endorsed", "grant", 58_000_000),
        ("approved", "grant", 83_000_000),
        ("funded", "loan", 45_000_000),
        ("completed", "grant", 77_000_000),
        ("closed", "grant", 64_000_000),
        ("withdrawn", "grant", 22_000_000),
        ("draft", "grant", 31_000_000),
    ],
}


def _actor(username, role, place, full_name):
    """A demo actor for places without a demo login (no password: cannot log in)."""
    User = get_user_model()
    family, given = full_name.split(" ", 1)
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": given, "last_name": family, "email": f"{username}@cdf.local"},
    )
    if created:
        user.set_unusable_password()
        user.save()
    scope = {type(place).__name__.lower(): place} if place is not None else {}
    membership_grant(user=user, role=role, **scope)
    return user


class CityActors:
    def __init__(self, city, *, logins=None):
        logins = logins or {}
        User = get_user_model()
        self.city = city
        self.official = logins.get("city") or _actor(
            f"demo-city-{city.pk}", Role.CITY_OFFICIAL, city, "Trịnh Văn Quang"
        )
        self.secretary = logins.get("secretary") or _actor(
            f"demo-secretary-{city.pk}", Role.CDF_SECRETARY, city, "Lương Thị Hiền"
        )
        self.staff = User.objects.filter(username="staff").first() or _actor(
            "demo-staff", Role.PROGRAMME_STAFF, None, "Đỗ Ngọc Ánh"
        )
        self._logins = logins

    def ward_officer(self, ward):
        if self._logins.get("ward_id") == ward.pk:
            return self._logins["ward"]
        return _actor(f"demo-ward-{ward.pk}", Role.WARD_OFFICER, ward, "Phan Văn Lộc")

    def rep(self, community):
        if self._logins.get("community_id") == community.pk:
            return self._logins["community"]
        return _actor(f"demo-rep-{community.pk}", Role.COMMUNITY_REPRESENTATIVE, community, "Vũ Thị Nhung")


def _fund(actors, amounts):
    if LedgerEntry.objects.filter(fund__city=actors.city).exists():
        return
    for kind, amount, description in amounts:
        services.fund_record_contribution(
            city=actors.city,
            by=actors.secretary,
            kind=kind,
            amount=amount,
            date=datetime.date(2026, 1, 5),
            description=description,
        )


def _walk(proposal, state, actors, rng):
    rep = actors.rep(proposal.community)
    ward_step = proposal.policy.ward_endorsement_required
    if state == "endorsed" and not ward_step:
        state = "submitted"  # a city without the ward step has no "endorsed"
    # the walk comes from the declaration, under the city's policy
    for step in PROPOSAL_WORKFLOW.path_to(state, proposal.policy):
        if step == "submit":
            proposal = services.proposal_submit(proposal=proposal, by=rep)
        elif step == "endorse":
            proposal = services.proposal_endorse(
                proposal=proposal,
                by=actors.ward_officer(proposal.community.ward),
                comment="Đã kiểm tra hiện trạng.",
            )
        elif step == "request_revision":
            reviewer = actors.ward_officer(proposal.community.ward) if ward_step else actors.official
            proposal = services.proposal_request_revision(
                proposal=proposal, by=reviewer, comment="Đề nghị bổ sung bản đồ và ảnh hiện trạng."
            )
        elif step == "approve":
            proposal = services.proposal_approve(
                proposal=proposal, by=actors.official, comment="Đồng ý hỗ trợ."
            )
            if proposal.state == Proposal.State.PENDING_PROGRAMME and state != "pending_programme":
                proposal = services.proposal_programme_approve(proposal=proposal, by=actors.staff)
        elif step == "disburse":
            proposal = services.proposal_disburse(
                proposal=proposal,
                by=actors.secretary,
                amount=proposal.approved_amount,
                date=datetime.date(2026, 2, rng.randint(1, 27)),
                comment="Giải ngân một lần",
            )
        elif step == "start":
            proposal = services.proposal_start(proposal=proposal, by=rep)
        elif step == "complete":
            proposal = services.proposal_complete(
                proposal=proposal,
                by=rep,
                actual_households=proposal.households_planned + rng.randint(-3, 6),
                actual_cost=proposal.total_cost - rng.randint(0, 20) * 100_000,
                report="Công trình đã hoàn thành, cộng đồng góp công lao động.",
            )
        elif step == "close":
            proposal = services.proposal_close(
                proposal=proposal, by=actors.official, comment="Đã nghiệm thu."
            )
        elif step == "reject":
            proposal = services.proposal_reject(
                proposal=proposal, by=actors.official, comment="Vượt khả năng của quỹ năm nay."
            )
        elif step == "withdraw":
            proposal = services.proposal_withdraw(
                proposal=proposal, by=rep, comment="Cộng đồng tự làm bằng vốn riêng."
            )
    return proposal


def _seed_city(actors, plan, rng):
    communities = [c for w in actors.city.wards.order_by("pk") for c in w.communities.order_by("pk")]
    made = 0
    for index, (state, funding_type, amount) in enumerate(plan):
        community = communities[index % len(communities)]
        category = list(TITLES)[index % len(TITLES)]
        title = f"{TITLES[category][index % len(TITLES[category])]} {community.name}"
        if Proposal.objects.filter(community=community, title=title).exists():
            continue
        rep = actors.rep(community)
        proposal = services.proposal_create(
            community=community,
            by=rep,
            title=title,
            category=category,
            description=f"{title}: cộng đồng đề xuất, góp tiền mặt và ngày công.",
            location=f"{community.name}, {community.ward.name}",
            households_planned=rng.randint(20, 90),
            funding_type=funding_type,
            repayment_months=rng.choice([12, 18, 24]) if funding_type == "loan" else None,
            planned_start=datetime.date(2026, 3, 1),
            planned_end=datetime.date(2026, 8, 31),
        )
        cash, labour = amount // 10, amount // 8
        unit_cost = 1_250_000
        quantity = (amount + cash + labour) // unit_cost
        rest = amount + cash + labour - quantity * unit_cost
        lines = [{"item": "Vật liệu", "quantity": quantity, "unit": "m²", "unit_cost": unit_cost}]
        if rest:
            lines.append({"item": "Chi phí khác", "quantity": 1, "unit": "", "unit_cost": rest})
        proposal = services.proposal_set_budget(
            proposal=proposal,
            by=rep,
            lines=lines,
            requested_amount=amount,
            contribution_cash=cash,
            contribution_labour=labour,
        )
        _walk(proposal, state, actors, rng)
        made += 1
    return made


def _repayments(actors):
    """Loans that were disbursed repay a few instalments, one is late."""
    loans = Proposal.objects.filter(community__ward__city=actors.city, funding_type="loan").with_money()
    for loan in loans:
        if loan.disbursed_total <= 0 or loan.repaid_total > 0:
            continue
        for instalment in loan.instalments.all()[:2]:
            services.loan_record_repayment(
                proposal=loan,
                by=actors.secretary,
                amount=instalment.amount,
                date=instalment.due_date,
                description=f"Kỳ {instalment.number}",
            )


def seed(stdout=None):
    """Demo proposals and funds, through the services; no e-mail is sent."""
    with muted():
        return _seed(stdout)


def _seed(stdout=None):
    rng = random.Random(2026)
    city, ward, community = demo_places()
    User = get_user_model()
    logins = {name: User.objects.get(username=name) for name in ("community", "ward", "city", "secretary")}
    logins.update({"ward_id": ward.pk, "community_id": community.pk})
    vinh = CityActors(city, logins=logins)

    second_city = City.objects.exclude(name=DEMO_CITY).order_by("pk").first()
    third_city = City.objects.exclude(pk__in=[city.pk, second_city.pk]).order_by("pk").first()
    CityWorkflowPolicy.objects.get_or_create(city=city)
    CityWorkflowPolicy.objects.get_or_create(
        city=second_city, defaults={"ward_endorsement_required": False, "programme_threshold": 150_000_000}
    )
    city2_user = User.objects.filter(username="city2").first()
    second = CityActors(second_city, logins={"city": city2_user} if city2_user else None)
    third = CityActors(third_city)

    _fund(
        vinh,
        [
            (LedgerEntry.Kind.SEED_CAPITAL, 1_500_000_000, "Vốn ban đầu của quỹ"),
            (LedgerEntry.Kind.CITY_BUDGET, 500_000_000, "Ngân sách thành phố 2026"),
            (LedgerEntry.Kind.DONOR, 300_000_000, "Tài trợ của ACHR"),
        ],
    )
    _fund(second, [(LedgerEntry.Kind.SEED_CAPITAL, 900_000_000, "Vốn ban đầu của quỹ")])
    _fund(third, [(LedgerEntry.Kind.SEED_CAPITAL, 600_000_000, "Vốn ban đầu của quỹ")])

    made = 0
    for actors, plan in ((vinh, PLAN["vinh"]), (second, PLAN["second"]), (third, PLAN["third"])):
        made += _seed_city(actors, plan, rng)
        _repayments(actors)
    if stdout is not None:
        stdout.write(f"  proposals: {made} new, {Proposal.objects.count()} in all")
    return []
