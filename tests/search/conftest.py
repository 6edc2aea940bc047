"""The data every search backend is held to: two cities, proposals in several states and
dates, a training session, and users who may see different parts of it."""

import datetime
import os
from dataclasses import dataclass

import pytest
from django.http import QueryDict

from portal.models import Role
from proposals import services as proposal_services
from proposals.models import Proposal
from search import indexing
from search.params import parse_params
from search.service import search
from tests.factories import CityFactory, CommunityFactory, WardFactory, user_with_role
from tests.proposals.factories import Actors, make_proposal
from tests.training.factories import session as make_session
from training.models import TrainingSession

ES_INDEX = "test-h-search"


@pytest.fixture(params=["database", "elasticsearch"])
def engine(request, settings, db):
    """Each backend in turn: the database one (SQLite FTS5 or PostgreSQL, by DATABASE_URL) and
    Elasticsearch when ELASTICSEARCH_URL names a server."""
    if request.param == "elasticsearch":
        url = os.environ.get("ELASTICSEARCH_URL", "")
        if not url:
            pytest.skip("needs an Elasticsearch server: set ELASTICSEARCH_URL")
        settings.ELASTICSEARCH_URL = url
        settings.ELASTICSEARCH_INDEX = ES_INDEX
        settings.SEARCH_BACKEND = "elasticsearch"
    else:
        settings.ELASTICSEARCH_URL = ""
        settings.SEARCH_BACKEND = "database"
    return request.param


def run(user, q="", per_page=None, **params):
    data = QueryDict(mutable=True)
    data["q"] = q
    for name, value in params.items():
        key = {"date_from": "from", "date_to": "to"}.get(name, name)
        data.setlist(key, [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)])
    parsed = parse_params(data)
    if per_page:
        parsed.per_page = per_page
    results = search(user, parsed)
    assert not results.notice, results.notice
    return results


def titles(results):
    return [hit.title for hit in results.hits]


def facet(results, name):
    return {v.label: v.count for v in results.facets[name]}


@dataclass
class World:
    hanoi: object
    danang: object
    a: Actors
    b: Actors
    staff: object
    trainer: object
    secretary_a: object
    p_drain: Proposal
    p_light: Proposal
    p_draft: Proposal
    p_hall: Proposal
    p_mansion: Proposal
    session: TrainingSession


def _dated(p, day):
    Proposal.objects.filter(pk=p.pk).update(created_at=datetime.datetime(*day, 9, tzinfo=datetime.UTC))
    return Proposal.objects.with_places().get(pk=p.pk)


@pytest.fixture
def world(db):
    hanoi = CityFactory(name="Hà Nội")
    danang = CityFactory(name="Đà Nẵng")
    a = Actors(CommunityFactory(ward=WardFactory(city=hanoi, name="Phường Cửa Nam")))
    b = Actors(CommunityFactory(ward=WardFactory(city=danang, name="Phường Hải Châu")))
    drain = make_proposal(
        a,
        state="submitted",
        title="Nạo vét mương thoát nước",
        description="Khơi thông mương ở ngõ Đình, chống ngập cho khu thủy lợi <script>alert(1)</script>",
    )
    light = make_proposal(
        b,
        state="approved",
        title="Lắp đèn đường",
        description="Đèn chiếu sáng ngõ Thuỷ Lợi, đường đi học an toàn",
    )
    draft = make_proposal(a, title="Bản nháp bí mật", description="Mương nước sạch chưa gửi")
    hall = make_proposal(
        b, state="submitted", title="Sửa nhà văn hóa", description="Sửa mái nhà văn hoá khu phố"
    )
    mansion = make_proposal(
        b, state="submitted", title="Cải tạo khu dinh thự cũ", description="Nhà cổ, lát gạch sân"
    )
    drain = _dated(drain, (2024, 3, 10))
    light = _dated(light, (2025, 6, 1))
    draft = _dated(draft, (2025, 2, 1))
    hall = _dated(hall, (2025, 1, 5))
    mansion = _dated(mansion, (2023, 8, 20))
    trainer = user_with_role(Role.TRAINER, hanoi)
    session = make_session(
        city=hanoi, trainers=[trainer], start=datetime.date(2025, 4, 2), code="hn-2025-water"
    )
    TrainingSession.objects.filter(pk=session.pk).update(
        topics_covered="Quản lý quỹ nước sạch, mương thoát nước"
    )
    staff = user_with_role(Role.PROGRAMME_STAFF)
    secretary_a = user_with_role(Role.CDF_SECRETARY, hanoi)
    indexing.rebuild()
    return World(
        hanoi, danang, a, b, staff, trainer, secretary_a, drain, light, draft, hall, mansion, session
    )


def update_proposal(world, proposal, **fields):
    return proposal_services.proposal_update(proposal=proposal, by=world.a.rep, **fields)
