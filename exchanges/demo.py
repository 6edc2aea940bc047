"""Demo exchanges, 2013–2016 and one coming up: city to city and within a city, with reports and
lessons in Vietnamese, photos (drawn here with Pillow) and participants from the people registry.

Everything goes through the services, as the demo users would do it (the host city's secretary
or programme staff; the visiting city's secretary for its own participants and lessons), with
notifications muted. Idempotent: an exchange is found by its title and host city and only the
steps it has not reached yet are taken; participants are matched in the registry by phone.
"""

import datetime
import io
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from portal.demo import DEMO_PASSWORD
from portal.models import City, Person, Role
from portal.permissions import user_has_role
from portal.services import membership_grant
from workflows.notifications import muted

from . import services
from .models import ExchangeVisit, Topic

S = ExchangeVisit.State
T = Topic

# (title, host, visitors (empty: within the host city), first day, days, topics, target state,
#  public, budget in VND, report, {city: lessons})
EXCHANGES = [
    (
        "Hải Dương học tập mô hình nhóm tiết kiệm tại Vinh",
        "Vinh",
        ["Hải Dương"],
        (2013, 8, 20),
        2,
        [T.SAVINGS_GROUPS, T.CDF_MANAGEMENT],
        S.REPORT_PUBLISHED,
        True,
        18_500_000,
        "Đoàn Hải Dương gồm cán bộ Quỹ và các trưởng nhóm tiết kiệm đã thăm ba nhóm tiết kiệm ở phường "
        "Hưng Bình, dự buổi họp định kỳ và xem sổ sách cho vay quay vòng. Hai bên thống nhất trao đổi "
        "mẫu sổ quỹ và tổ chức đợt thăm lại vào năm sau.",
        {
            "Vinh": "Ghi chép sổ sách rõ ràng giúp các hộ tin tưởng nhóm; cần hướng dẫn thêm cho nhóm mới.",
            "Hải Dương": "Họp nhóm hằng tháng và công khai số dư giúp tỷ lệ hoàn trả cao. "
            "Sẽ áp dụng cho 5 nhóm.",
        },
    ),
    (
        "Trao đổi lập bản đồ giữa các khối ở Vinh",
        "Vinh",
        [],
        (2014, 4, 15),
        1,
        [T.MAPPING],
        S.REPORT_PUBLISHED,
        True,
        3_000_000,
        "Các khối đã lập bản đồ hướng dẫn khối chưa làm: đếm hộ, vẽ ngõ, đánh dấu điểm ngập. Bản đồ "
        "được dùng để chọn ưu tiên cải tạo thoát nước.",
        {"Vinh": "Khảo sát có sự tham gia giúp người dân tự thấy nhu cầu; nên làm vào cuối tuần."},
    ),
    (
        "Vinh thăm các dự án cải tạo ở Quy Nhơn",
        "Quy Nhơn",
        ["Vinh"],
        (2014, 10, 7),
        3,
        [T.UPGRADING],
        S.REPORT_PUBLISHED,
        False,
        32_000_000,
        "Đoàn Vinh xem các công trình bê tông hóa ngõ xóm và cấp nước do cộng đồng tự làm với vốn Quỹ. "
        "Chi phí thấp hơn dự toán nhờ đóng góp ngày công.",
        {
            "Quy Nhơn": "Chia sẻ cách dự toán giúp chúng tôi rà lại định mức vật tư.",
            "Vinh": "Đóng góp ngày công giảm chi phí; cần ban giám sát của cộng đồng.",
        },
    ),
    (
        "Diễn đàn liên thành phố miền Tây tại Cà Mau",
        "Cà Mau",
        ["Long Xuyên", "Bến Tre"],
        (2015, 3, 17),
        2,
        [T.FORUMS, T.SAVINGS_GROUPS],
        S.REPORT_PUBLISHED,
        True,
        45_000_000,
        "Ba thành phố trao đổi về diễn đàn cộng đồng và quản lý nhóm tiết kiệm; thống nhất lịch diễn "
        "đàn vùng hằng năm.",
        {
            "Cà Mau": "Diễn đàn giúp cộng đồng nói lên nhu cầu với chính quyền.",
            "Long Xuyên": "Sẽ tổ chức diễn đàn cấp phường trước diễn đàn thành phố.",
            "Bến Tre": "Mời đại diện phường dự diễn đàn ngay từ đầu.",
        },
    ),
    (
        "Việt Trì học kinh nghiệm lập bản đồ ở Hải Dương",
        "Hải Dương",
        ["Việt Trì"],
        (2015, 9, 22),
        2,
        [T.MAPPING],
        S.REPORT_SUBMITTED,
        False,
        14_000_000,
        "Việt Trì học cách tổ chức khảo sát toàn thành phố; Hải Dương chia sẻ mẫu phiếu và bản đồ.",
        {
            "Hải Dương": "Chuẩn bị mẫu phiếu trước giúp khảo sát nhanh.",
            "Việt Trì": "Sẽ khảo sát thử ở 2 phường.",
        },
    ),
    (
        "Trao đổi giữa các khu vực ở Quy Nhơn về cải tạo",
        "Quy Nhơn",
        [],
        (2016, 5, 10),
        1,
        [T.UPGRADING, T.CDF_MANAGEMENT],
        S.HELD,
        False,
        2_500_000,
        "",
        {},
    ),
    (
        "Tam Kỳ thăm Quỹ Phát triển Cộng đồng Vinh",
        "Vinh",
        ["Tam Kỳ"],
        (2016, 11, 8),
        2,
        [T.CDF_MANAGEMENT],
        S.HELD,
        False,
        21_000_000,
        "",
        {},
    ),
    (
        "Thanh Hóa thăm nhóm tiết kiệm ở Vinh",
        "Vinh",
        ["Thanh Hóa"],
        (2016, 12, 6),
        1,
        [T.SAVINGS_GROUPS],
        S.CANCELLED,
        False,
        9_000_000,
        "",
        {},
    ),
]
UPCOMING = (
    "Hải Dương thăm lại Vinh: quỹ quay vòng",
    "Vinh",
    ["Hải Dương"],
    20,
    2,
    [T.CDF_MANAGEMENT],
    16_000_000,
)


def _photo(seed, title):
    """A small landscape picture: sky, ground, a few houses in the city's colours."""
    rng = random.Random(seed)
    image = Image.new("RGB", (480, 320), (150 + rng.randint(0, 80), 190, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 220, 480, 320], fill=(110, 150 + rng.randint(0, 60), 90))
    for i in range(5):
        x = 30 + i * 90 + rng.randint(-10, 10)
        colour = (rng.randint(120, 240), rng.randint(60, 200), rng.randint(40, 160))
        draw.rectangle([x, 150, x + 60, 220], fill=colour)
        draw.polygon([(x - 8, 150), (x + 30, 115), (x + 68, 150)], fill=(160, 60, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile(f"{title[:30]}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _secretaries():
    """The demo's CDF secretary of Vinh, plus one in Hải Dương for the visiting side."""
    User = get_user_model()
    secretary = User.objects.get(username="secretary")
    other, created = User.objects.get_or_create(
        username="secretary2",
        defaults={"first_name": "Thị Mai", "last_name": "Vũ", "email": "secretary2@cdf.local"},
    )
    if created:
        other.set_password(DEMO_PASSWORD)
        other.save()
    membership = membership_grant(
        user=other, role=Role.CDF_SECRETARY, city=City.objects.get(name="Hải Dương")
    )
    return secretary, other, membership


def _actor(city, users, staff):
    for user in users:
        if user_has_role(user, Role.CDF_SECRETARY, city):
            return user
    return staff


def _add_people(exchange, city, by, count):
    people = Person.objects.filter(city=city).order_by("pk")[:count]
    for person in people:
        services.participant_add(
            exchange=exchange,
            by=by,
            city=city,
            name=person.name,
            phone=person.phone,
            year_of_birth=person.year_of_birth,
            gender=person.gender,
            role=person.network_role,
        )


def _one(spec, staff, secretaries):
    title, host_name, visitor_names, day, days, topics, target, public, budget, report, lessons = spec
    cities = {c.name: c for c in City.objects.filter(name__in=[host_name, *visitor_names])}
    host, visitors = cities[host_name], [cities[n] for n in visitor_names]
    planner = _actor(host, secretaries, staff)
    start = datetime.date(*day)
    exchange = ExchangeVisit.objects.filter(title=title, host_city=host).first()
    if exchange is None:
        wards = list(host.wards.order_by("pk").prefetch_related("communities"))
        host_communities = list(wards[0].communities.order_by("pk"))[:1]
        visiting_communities = (
            list(wards[1].communities.order_by("pk"))[:2]
            if not visitors
            else [v.wards.order_by("pk").first().communities.order_by("pk").first() for v in visitors]
        )
        exchange = services.exchange_plan(
            by=planner,
            title=title,
            kind=ExchangeVisit.Kind.CITY_TO_CITY if visitors else ExchangeVisit.Kind.WITHIN_CITY,
            host_city=host,
            start_date=start,
            end_date=start + datetime.timedelta(days=days - 1),
            purpose="Học hỏi kinh nghiệm lẫn nhau giữa các cộng đồng: " + title.lower() + ".",
            budget=budget,
            paid_by=ExchangeVisit.Payer.PROGRAMME if len(visitors) > 1 else ExchangeVisit.Payer.HOST_CDF,
            topics=topics,
            host_communities=host_communities,
            visiting_cities=visitors,
            visiting_communities=visiting_communities,
        )
    if exchange.state == S.PLANNED:
        for city in [host, *visitors]:
            _add_people(exchange, city, _actor(city, secretaries, staff), 4 if city == host else 5)
        if target == S.CANCELLED:
            services.exchange_cancel(exchange=exchange, by=planner, comment="Bão đổ bộ, hoãn chuyến đi.")
            return
        exchange = services.exchange_mark_held(exchange=exchange, by=planner)
    if exchange.state == S.HELD and target != S.HELD:
        for city_name, text in lessons.items():
            city = cities[city_name]
            services.lesson_save(
                exchange=exchange, by=_actor(city, secretaries, staff), city=city, lessons=text
            )
        services.exchange_report_save(
            exchange=exchange,
            by=planner,
            report_text=report,
            follow_up="Các thành phố gửi kế hoạch áp dụng trong ba tháng.",
            is_public=public,
        )
        if not exchange.files.exists():
            for i, caption in enumerate(("Thăm nhóm tiết kiệm", "Họp trao đổi")):
                services.exchange_file_add(
                    exchange=exchange,
                    by=planner,
                    upload=_photo(f"{title}{i}", title),
                    kind="photo",
                    caption=caption,
                    is_public=public,
                )
        exchange = services.exchange_submit_report(exchange=exchange, by=planner)
    if exchange.state == S.REPORT_SUBMITTED and target == S.REPORT_PUBLISHED:
        services.exchange_publish(exchange=exchange, by=staff)


def seed(stdout=None):
    User = get_user_model()
    staff = User.objects.get(username="staff")
    secretary, secretary2, membership = _secretaries()
    secretaries = [secretary, secretary2]
    with muted():
        for spec in EXCHANGES:
            _one(spec, staff, secretaries)
        title, host_name, visitor_names, in_days, days, topics, budget = UPCOMING
        host = City.objects.get(name=host_name)
        if not ExchangeVisit.objects.filter(title=title, host_city=host).exists():
            start = timezone.localdate() + datetime.timedelta(days=in_days)
            visitors = list(City.objects.filter(name__in=visitor_names))
            exchange = services.exchange_plan(
                by=secretary,
                title=title,
                kind=ExchangeVisit.Kind.CITY_TO_CITY,
                host_city=host,
                start_date=start,
                end_date=start + datetime.timedelta(days=days - 1),
                purpose="Học cách quản lý quỹ quay vòng và báo cáo tài chính.",
                budget=budget,
                topics=topics,
                visiting_cities=visitors,
            )
            _add_people(exchange, visitors[0], secretary2, 3)
    return [("secretary2", f"{membership.get_role_display()} · {membership.scope_label}")]
