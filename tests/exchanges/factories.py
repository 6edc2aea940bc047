"""Exchange data made through the real services."""

import datetime
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_fsm import can_proceed
from PIL import Image

from exchanges import services
from exchanges.models import EXCHANGE_WORKFLOW, ExchangeVisit, Topic
from portal.models import Role
from tests.factories import CityFactory, CommunityFactory, user_with_role


@dataclass
class Network:
    """A host city and a visiting city (with a community each), their secretaries and
    officials, a third city's secretary, and programme staff."""

    host: object
    visitor: object
    host_community: object
    visitor_community: object
    host_secretary: object
    visitor_secretary: object
    host_official: object
    other_secretary: object
    staff: object


def network():
    host, visitor, other = CityFactory(name="Vinh"), CityFactory(name="Hải Dương"), CityFactory(name="Huế")
    return Network(
        host=host,
        visitor=visitor,
        host_community=CommunityFactory(ward__city=host),
        visitor_community=CommunityFactory(ward__city=visitor),
        host_secretary=user_with_role(Role.CDF_SECRETARY, host),
        visitor_secretary=user_with_role(Role.CDF_SECRETARY, visitor),
        host_official=user_with_role(Role.CITY_OFFICIAL, host),
        other_secretary=user_with_role(Role.CDF_SECRETARY, other),
        staff=user_with_role(Role.PROGRAMME_STAFF),
    )


def plan(
    net,
    *,
    kind=ExchangeVisit.Kind.CITY_TO_CITY,
    start=None,
    days=2,
    by=None,
    title="Học tập mô hình tiết kiệm",
):
    start = start or timezone.localdate() - datetime.timedelta(days=1)
    city_to_city = kind == ExchangeVisit.Kind.CITY_TO_CITY
    return services.exchange_plan(
        by=by or net.host_secretary,
        title=title,
        kind=kind,
        host_city=net.host,
        start_date=start,
        end_date=start + datetime.timedelta(days=days - 1),
        purpose="Trao đổi kinh nghiệm quản lý nhóm tiết kiệm và quỹ quay vòng.",
        budget=12_000_000,
        topics=[Topic.SAVINGS_GROUPS, Topic.CDF_MANAGEMENT],
        host_communities=[net.host_community],
        visiting_cities=[net.visitor] if city_to_city else [],
        visiting_communities=[net.visitor_community]
        if city_to_city
        else [CommunityFactory(ward=net.host_community.ward)],
    )


def advance(exchange, state, *, net):
    """Take an exchange to `state` along the declared path, each step by who may fire it."""
    for name in EXCHANGE_WORKFLOW.path_to(state):
        exchange = ExchangeVisit.objects.get(pk=exchange.pk)
        if not can_proceed(getattr(exchange, name), check_conditions=False):
            continue  # already past this step
        if name == "mark_held":
            exchange = services.exchange_mark_held(exchange=exchange, by=net.host_secretary)
        elif name == "submit_report":
            services.exchange_report_save(
                exchange=exchange,
                by=net.host_secretary,
                report_text="Hai thành phố đã trao đổi.",
                is_public=True,
            )
            exchange = services.exchange_submit_report(exchange=exchange, by=net.host_secretary)
        elif name == "publish":
            exchange = services.exchange_publish(exchange=exchange, by=net.staff)
        elif name == "cancel":
            exchange = services.exchange_cancel(exchange=exchange, by=net.host_secretary, comment="Mưa bão")
        else:  # pragma: no cover - every path above
            raise AssertionError(name)
    return ExchangeVisit.objects.get(pk=exchange.pk)


def make(net, state="planned", **kwargs):
    return advance(plan(net, **kwargs), state, net=net)


def photo(name="anh.png", size=(40, 30), color=(200, 120, 40)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def mixed_between(host, visitor, host_community, visitor_community, host_secretary, visitor_secretary, staff):
    """Exchanges in every state, city to city and within the host city, for tests of other apps
    (search's access keys) that need exchanges among their records."""
    net = Network(
        host=host,
        visitor=visitor,
        host_community=host_community,
        visitor_community=visitor_community,
        host_secretary=host_secretary,
        visitor_secretary=visitor_secretary,
        host_official=None,
        other_secretary=None,
        staff=staff,
    )
    made = []
    for state in ("planned", "held", "report_submitted", "report_published", "cancelled"):
        made.append(make(net, state))
        made.append(make(net, state, kind=ExchangeVisit.Kind.WITHIN_CITY))
    return made
