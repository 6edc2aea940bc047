"""Demo training data: the programme's 17 training sessions of 2013–2016 in the member
cities, whose attendance lists add up to 2,100 people ("17 training sessions ... benefiting
2,100 people"), plus one upcoming session in Vinh for the demo trainer.

Idempotent: sessions are keyed by code, people by their (deterministic) phone number,
attendance by its unique constraints. Sessions and their status go through the services;
people and attendance rows are bulk-inserted with the same derived fields their save()
would compute (folded name, normalised phone), because thousands of single inserts would
make `seed_demo` slow.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.demo import FAMILY, MEN, ORGANISATIONS, WOMEN
from portal.models import City, Person
from portal.text import fold, normalize_phone
from workflows.notifications import muted

from .models import Attendance, AttendanceDay, Course, TrainingSession
from .services import session_create, session_mark_held, session_submit_report

COURSES = {
    "cdf": (
        "Phần mềm quản lý tài chính CDF",
        Course.Topic.CDF_SOFTWARE,
        "Sổ quỹ, cho vay quay vòng, thu hồi vốn và báo cáo trên phần mềm quản lý tài chính CDF.",
        ["cdf_secretary"],
    ),
    "mapping": (
        "Khảo sát và lập bản đồ cộng đồng",
        Course.Topic.COMMUNITY_MAPPING,
        "Khảo sát có sự tham gia toàn thành phố: vẽ bản đồ khu dân cư, đếm hộ, xác định nhu cầu.",
        ["community_leader", "community_member", "community_supporter"],
    ),
    "savings": (
        "Quản lý nhóm tiết kiệm",
        Course.Topic.SAVINGS_GROUPS,
        "Thành lập và quản lý nhóm tiết kiệm: sổ sách, họp định kỳ, cho vay trong nhóm.",
        ["savings_group_leader", "community_member"],
    ),
    "upgrading": (
        "Lập kế hoạch cải tạo cộng đồng",
        Course.Topic.UPGRADING_PLANNING,
        "Chọn ưu tiên, dự toán và đề xuất dự án nhỏ: cấp nước, thoát nước, bê tông hóa ngõ xóm, chiếu sáng.",
        ["community_leader", "ward_officer"],
    ),
    "supporters": (
        "Kỹ năng hỗ trợ cộng đồng",
        Course.Topic.COMMUNITY_SUPPORTERS,
        "Mạng lưới người hỗ trợ cộng đồng và thanh niên chuyên nghiệp: điều phối, ghi chép, báo cáo.",
        ["community_supporter", "young_professional"],
    ),
}

# (code, course, city, first day, days, people on the list, status)
SESSIONS = [
    ("vinh-2013-cdf", "cdf", "Vinh", (2013, 5, 14), 2, 50, "report_submitted"),
    ("vinh-2014-mapping", "mapping", "Vinh", (2014, 3, 11), 2, 180, "report_submitted"),
    ("vinh-2015-savings", "savings", "Vinh", (2015, 6, 9), 1, 200, "report_submitted"),
    ("vinh-2016-upgrading", "upgrading", "Vinh", (2016, 4, 19), 2, 170, "held"),
    ("haiduong-2013-mapping", "mapping", "Hải Dương", (2013, 9, 17), 2, 150, "report_submitted"),
    ("haiduong-2014-savings", "savings", "Hải Dương", (2014, 10, 7), 1, 160, "report_submitted"),
    ("quynhon-2014-cdf", "cdf", "Quy Nhơn", (2014, 4, 22), 3, 45, "report_submitted"),
    ("quynhon-2015-upgrading", "upgrading", "Quy Nhơn", (2015, 8, 25), 2, 140, "report_submitted"),
    ("longxuyen-2014-savings", "savings", "Long Xuyên", (2014, 11, 18), 1, 150, "report_submitted"),
    ("longxuyen-2016-mapping", "mapping", "Long Xuyên", (2016, 3, 15), 2, 130, "held"),
    ("viettri-2013-mapping", "mapping", "Việt Trì", (2013, 11, 12), 2, 140, "report_submitted"),
    ("thanhhoa-2014-savings", "savings", "Thanh Hóa", (2014, 6, 17), 1, 150, "report_submitted"),
    ("tamky-2015-upgrading", "upgrading", "Tam Kỳ", (2015, 3, 24), 2, 130, "report_submitted"),
    ("donghoi-2015-cdf", "cdf", "Đồng Hới", (2015, 10, 13), 3, 40, "report_submitted"),
    ("bentre-2015-savings", "savings", "Bến Tre", (2015, 12, 8), 1, 160, "report_submitted"),
    ("camau-2016-mapping", "mapping", "Cà Mau", (2016, 5, 10), 2, 140, "report_submitted"),
    ("laocai-2016-supporters", "supporters", "Lào Cai", (2016, 9, 20), 2, 100, "held"),
]
# People per city: fewer than the city's places on lists where someone came to two sessions.
POOLS = {"Vinh": 560, "Hải Dương": 290, "Quy Nhơn": 175, "Long Xuyên": 215}
UPCOMING = ("vinh-2026-cdf", "cdf", "Vinh", 2, 25)  # (code, course, city, days, people)

ROLE_FOR_COURSE = {
    "cdf": [Person.NetworkRole.CDF_SECRETARY] * 3 + [Person.NetworkRole.COMMUNITY_SUPPORTER],
    "mapping": [Person.NetworkRole.COMMUNITY_MEMBER] * 3
    + [Person.NetworkRole.COMMUNITY_LEADER, Person.NetworkRole.COMMUNITY_SUPPORTER],
    "savings": [Person.NetworkRole.COMMUNITY_MEMBER] * 2 + [Person.NetworkRole.SAVINGS_GROUP_LEADER],
    "upgrading": [Person.NetworkRole.COMMUNITY_LEADER] * 2
    + [Person.NetworkRole.WARD_OFFICER, Person.NetworkRole.COMMUNITY_MEMBER],
    "supporters": [Person.NetworkRole.COMMUNITY_SUPPORTER] * 3 + [Person.NetworkRole.YOUNG_PROFESSIONAL],
}
TOPICS = {
    "cdf": "Cài đặt phần mềm; sổ quỹ; theo dõi khoản vay và thu hồi; báo cáo quý.",
    "mapping": "Phương pháp khảo sát có sự tham gia; vẽ bản đồ khu dân cư; tổng hợp số liệu hộ nghèo.",
    "savings": "Nguyên tắc nhóm tiết kiệm; sổ sách nhóm; cho vay trong nhóm; họp định kỳ.",
    "upgrading": "Xác định ưu tiên; dự toán đơn giản; hồ sơ đề xuất; giám sát thi công cộng đồng.",
    "supporters": "Vai trò người hỗ trợ; điều phối họp cộng đồng; ghi chép và báo cáo.",
}


def _aware(day, hour):
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=timezone.get_current_timezone())


def _courses():
    courses = {}
    for key, (title, topic, description, roles) in COURSES.items():
        course, _ = Course.objects.get_or_create(
            title=title, defaults={"topic": topic, "description": description, "target_roles": roles}
        )
        courses[key] = course
    return courses


def _pool_sizes():
    sizes = {}
    for _, _, city, _, _, n, _ in SESSIONS:
        sizes[city] = sizes.get(city, 0) + n
    sizes.update(POOLS)
    return sizes


def _people(rng, cities):
    """The people of every city's pool, created once (keyed by phone), in a stable order."""
    pools = {}
    wanted = []
    for city_index, (city_name, size) in enumerate(_pool_sizes().items()):
        city = cities[city_name]
        phones = [f"08{city_index:02d}{i:06d}" for i in range(size)]
        pools[city_name] = phones
        for phone in phones:
            gender = Person.Gender.FEMALE if rng.random() < 0.64 else Person.Gender.MALE
            given = rng.choice(WOMEN if gender == Person.Gender.FEMALE else MEN)
            wanted.append(
                Person(
                    name=f"{rng.choice(FAMILY)} {given}",
                    gender=gender,
                    year_of_birth=rng.randint(1952, 1996),
                    phone=phone,
                    city=city,
                    organisation=rng.choice(ORGANISATIONS),
                )
            )
    existing = set(Person.objects.filter(phone__in=[p.phone for p in wanted]).values_list("phone", flat=True))
    new = [p for p in wanted if p.phone not in existing]
    for person in new:
        person.full_clean()
        person.name_folded = fold(person.name)
        person.phone_normalized = normalize_phone(person.phone)
    Person.objects.bulk_create(new, batch_size=500)
    ids = dict(Person.objects.filter(phone__in=[p.phone for p in wanted]).values_list("phone", "pk"))
    return {city: [ids[phone] for phone in phones] for city, phones in pools.items()}


def _session(staff, course, city, code, first_day, days, trainers, capacity):
    session = TrainingSession.objects.filter(code=code).first()
    if session is None:
        last_day = first_day + datetime.timedelta(days=days - 1)
        session = session_create(
            by=staff,
            course=course,
            city=city,
            venue=f"Hội trường Quỹ Phát triển Cộng đồng {city.name}",
            starts_at=_aware(first_day, 8),
            ends_at=_aware(last_day, 17),
            capacity=capacity,
            code=code,
            trainers=trainers,
        )
    return session


def _attend(rng, session, course_key, person_ids, mark_days):
    roles = ROLE_FOR_COURSE[course_key]
    Attendance.objects.bulk_create(
        [Attendance(session=session, person_id=pid, role=rng.choice(roles)) for pid in person_ids],
        ignore_conflicts=True,
        batch_size=500,
    )
    if not mark_days:
        return
    attendance_ids = Attendance.objects.filter(session=session).values_list("pk", flat=True)
    days = session.days
    rows = []
    for aid in attendance_ids:
        flags = [rng.random() < 0.88 for _ in days]
        if not any(flags):
            flags[rng.randrange(len(days))] = True  # on the list means came at least once
        rows += [AttendanceDay(attendance_id=aid, day=d, present=f) for d, f in zip(days, flags, strict=True)]
    AttendanceDay.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def seed(stdout=None):
    """The programme's training sessions and attendance, through the services; no e-mail."""
    with muted():
        return _seed(stdout)


def _seed(stdout=None):
    rng = random.Random(2013)
    User = get_user_model()
    staff = User.objects.get(username="staff")
    trainer = User.objects.get(username="trainer")
    cities = {c.name: c for c in City.objects.filter(name__in=_pool_sizes())}
    courses = _courses()
    pools = _people(rng, cities)
    offsets = dict.fromkeys(pools, 0)
    for code, course_key, city_name, first, days, size, status in SESSIONS:
        city = cities[city_name]
        trainers = [trainer] if city_name == "Vinh" else []
        session = _session(
            staff, courses[course_key], city, code, datetime.date(*first), days, trainers, capacity=size + 20
        )
        pool = pools[city_name]
        ids = [pool[(offsets[city_name] + i) % len(pool)] for i in range(size)]
        offsets[city_name] += size
        _attend(rng, session, course_key, ids, mark_days=True)
        if session.status == TrainingSession.Status.PLANNED:
            session = session_mark_held(session=session, by=staff)
        if status == "report_submitted" and session.status == TrainingSession.Status.HELD:
            session_submit_report(session=session, by=staff, topics_covered=TOPICS[course_key])
    code, course_key, city_name, days, size = UPCOMING
    first = timezone.localdate() + datetime.timedelta(days=14)
    session = _session(
        staff, courses[course_key], cities[city_name], code, first, days, [trainer], capacity=40
    )
    _attend(rng, session, course_key, pools[city_name][:size], mark_days=False)
    return []
