"""Demo data for the national programme: 20 small and medium CDF member cities.

Every function is idempotent: rows are looked up by their natural keys, so running
`seed_demo` twice leaves the same rows. Other apps add their own `demo.py` with a
`seed(stdout)` function; `seed_demo` calls them after this one.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from .models import City, Community, Person, Province, Role, SavingsGroup, Ward
from .services import membership_grant, programme_staff_group_sync

DEMO_PASSWORD = "cdf-demo-2026"
DEMO_CITY = "Vinh"

# (city, province, region, CDF member since, wards)
CITIES = [
    ("Vinh", "Nghệ An", "central", 2009, ["Hưng Bình", "Hưng Dũng", "Lê Lợi", "Trường Thi", "Bến Thủy"]),
    ("Hải Dương", "Hải Dương", "north", 2010, ["Trần Phú", "Ngọc Châu", "Thanh Bình"]),
    ("Việt Trì", "Phú Thọ", "north", 2010, ["Gia Cẩm", "Tiên Cát", "Dữu Lâu"]),
    ("Lào Cai", "Lào Cai", "north", 2012, ["Cốc Lếu", "Kim Tân", "Pom Hán"]),
    ("Hòa Bình", "Hòa Bình", "north", 2013, ["Phương Lâm", "Đồng Tiến", "Tân Thịnh"]),
    ("Thanh Hóa", "Thanh Hóa", "central", 2011, ["Đông Thọ", "Ba Đình", "Ngọc Trạo"]),
    ("Hà Tĩnh", "Hà Tĩnh", "central", 2012, ["Bắc Hà", "Nam Hà", "Trần Phú"]),
    ("Đồng Hới", "Quảng Bình", "central", 2011, ["Hải Đình", "Đồng Phú", "Bắc Lý"]),
    ("Đông Hà", "Quảng Trị", "central", 2013, ["Phường 1", "Phường 2", "Đông Lương"]),
    ("Tam Kỳ", "Quảng Nam", "central", 2010, ["An Mỹ", "Hòa Hương", "Tân Thạnh"]),
    ("Quy Nhơn", "Bình Định", "central", 2009, ["Lê Lợi", "Hải Cảng", "Ngô Mây"]),
    ("Tuy Hòa", "Phú Yên", "central", 2012, ["Phường 1", "Phường 4", "Phường 9"]),
    ("Buôn Ma Thuột", "Đắk Lắk", "central", 2014, ["Tân Lợi", "Thành Công", "Ea Tam"]),
    ("Bến Tre", "Bến Tre", "south", 2011, ["Phường 6", "Phường 7", "Phú Khương"]),
    ("Cao Lãnh", "Đồng Tháp", "south", 2012, ["Phường 1", "Phường 3", "Mỹ Phú"]),
    ("Long Xuyên", "An Giang", "south", 2010, ["Mỹ Bình", "Mỹ Long", "Bình Đức"]),
    ("Sóc Trăng", "Sóc Trăng", "south", 2013, ["Phường 2", "Phường 5", "Phường 8"]),
    ("Bạc Liêu", "Bạc Liêu", "south", 2014, ["Phường 1", "Phường 3", "Phường 7"]),
    ("Cà Mau", "Cà Mau", "south", 2011, ["Phường 5", "Phường 8", "Tân Xuyên"]),
    ("Rạch Giá", "Kiên Giang", "south", 2013, ["Vĩnh Thanh Vân", "Vĩnh Lạc", "Rạch Sỏi"]),
]

# What a neighbourhood unit is called differs north to south.
COMMUNITY_UNIT = {"north": "Tổ dân phố", "central": "Khối", "south": "Khóm"}

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
WOMEN = [
    "Thị Lan",
    "Thị Hoa",
    "Thị Hương",
    "Thị Mai",
    "Thị Thảo",
    "Thị Nga",
    "Ngọc Ánh",
    "Thu Hà",
    "Thị Đào",
    "Minh Phương",
]
MEN = [
    "Văn Hùng",
    "Văn Dũng",
    "Minh Tuấn",
    "Văn Hải",
    "Đức Bình",
    "Văn Sơn",
    "Quốc Khánh",
    "Đình Long",
    "Văn Đức",
    "Hữu Nghĩa",
]
ORGANISATIONS = [
    "Hội Liên hiệp Phụ nữ",
    "UBND phường",
    "Quỹ Phát triển Cộng đồng",
    "Hội Cựu chiến binh",
    "Nhóm tiết kiệm",
]

HOME_INTRO_VI = (
    "<p>Mạng lưới Quỹ Phát triển Cộng đồng (CDF) kết nối các cộng đồng thu nhập thấp tại các đô "
    "thị Việt Nam: tiết kiệm, lập bản đồ khu dân cư, trao đổi kinh nghiệm và đề xuất các dự án "
    "cải tạo nhỏ như cấp nước, thoát nước, bê tông hóa ngõ xóm và chiếu sáng.</p>"
    "<p>Từ 2010 đến 2016 mạng lưới đã mở rộng từ 30 lên 50 thành phố thành viên.</p>"
)
HOME_INTRO_EN = (
    "<p>The Community Development Fund (CDF) network links low-income communities in Vietnam's "
    "cities: they save, map their neighbourhoods, visit each other and propose small upgrading "
    "projects such as water supply, drainage, alley paving and lighting.</p>"
    "<p>From 2010 to 2016 the network grew from 30 to 50 member cities.</p>"
)


def person_name(rng, gender):
    given = rng.choice(WOMEN if gender == Person.Gender.FEMALE else MEN)
    return f"{rng.choice(FAMILY)} {given}"


def seed_geography(rng):
    for city_name, province_name, region, since, ward_names in CITIES:
        province, _ = Province.objects.update_or_create(name=province_name, defaults={"region": region})
        city, _ = City.objects.update_or_create(
            province=province, name=city_name, defaults={"cdf_member_since": since, "is_active": True}
        )
        unit = COMMUNITY_UNIT[region]
        for w, ward_name in enumerate(ward_names):
            ward, _ = Ward.objects.get_or_create(city=city, name=ward_name)
            for c in range(1, 4 if w == 0 else 3):
                households = rng.randint(60, 220)
                community, _ = Community.objects.update_or_create(
                    ward=ward,
                    name=f"{unit} {c + w * 3}",
                    defaults={"households": households, "population": households * rng.randint(3, 5)},
                )
                members = rng.randint(15, 60)
                SavingsGroup.objects.update_or_create(
                    community=community,
                    name=f"Nhóm tiết kiệm {community.name}",
                    defaults={
                        "founded": datetime.date(rng.randint(max(since, 2010), 2016), rng.randint(1, 12), 1),
                        "members": members,
                        "savings_balance": members * rng.randint(20, 120) * 10_000,
                    },
                )


def seed_people(rng):
    """About eight people per city, with stable phone numbers so a rerun finds them."""
    for city_index, city in enumerate(City.objects.order_by("pk").prefetch_related("wards__communities")):
        communities = [c for ward in city.wards.all() for c in ward.communities.all()]
        for i in range(8):
            gender = Person.Gender.FEMALE if i % 3 != 2 else Person.Gender.MALE
            phone = f"09{city_index:02d}{i:02d}{(city_index * 37 + i * 11) % 10000:04d}"
            community = communities[i % len(communities)]
            role = [
                Person.NetworkRole.COMMUNITY_LEADER,
                Person.NetworkRole.SAVINGS_GROUP_LEADER,
                Person.NetworkRole.COMMUNITY_MEMBER,
                Person.NetworkRole.COMMUNITY_SUPPORTER,
            ][i % 4]
            Person.objects.update_or_create(
                phone=phone,
                defaults={
                    "name": person_name(rng, gender),
                    "gender": gender,
                    "year_of_birth": rng.randint(1955, 1998),
                    "city": city,
                    "community": community,
                    "organisation": rng.choice(ORGANISATIONS),
                    "network_role": role,
                },
            )


def demo_places():
    city = City.objects.get(name=DEMO_CITY)
    ward = city.wards.order_by("pk").first()
    community = ward.communities.order_by("pk").first()
    return city, ward, community


def seed_users():
    """One login per role, scoped to the demo city. Returns (username, what it is) rows."""
    User = get_user_model()
    city, ward, community = demo_places()
    other_city = City.objects.exclude(pk=city.pk).order_by("pk").first()
    rows = [
        ("community", Role.COMMUNITY_REPRESENTATIVE, {"community": community}, "Trần Thị Lan"),
        ("ward", Role.WARD_OFFICER, {"ward": ward}, "Lê Văn Hùng"),
        ("city", Role.CITY_OFFICIAL, {"city": city}, "Phạm Minh Tuấn"),
        ("secretary", Role.CDF_SECRETARY, {"city": city}, "Nguyễn Thị Hương"),
        ("trainer", Role.TRAINER, {"city": city}, "Hoàng Thu Hà"),
        ("staff", Role.PROGRAMME_STAFF, {}, "Đỗ Ngọc Ánh"),
        ("city2", Role.CITY_OFFICIAL, {"city": other_city}, "Bùi Đức Bình"),
    ]
    staff_group = programme_staff_group_sync()
    logins = []
    for username, role, place, full_name in rows:
        family, given = full_name.split(" ", 1)
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": given, "last_name": family, "email": f"{username}@cdf.local"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        membership = membership_grant(user=user, role=role, **place)
        if role == Role.PROGRAMME_STAFF:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            user.groups.add(staff_group)
        logins.append((username, f"{membership.get_role_display()} · {membership.scope_label}"))

    admin, created = User.objects.get_or_create(
        username="admin", defaults={"email": "admin@cdf.local", "is_staff": True, "is_superuser": True}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    membership_grant(user=admin, role=Role.PROGRAMME_STAFF)
    logins.append(("admin", _("Superuser (Wagtail admin)")))
    return logins


def seed_home_page():
    from .models import HomePage

    home = HomePage.objects.first()
    if home is None:
        return
    if not home.intro:
        home.intro = HOME_INTRO_VI
        home.intro_en = HOME_INTRO_EN
        home.save_revision().publish()


def seed(stdout=None):
    rng = random.Random(2016)
    seed_geography(rng)
    seed_people(rng)
    seed_home_page()
    return seed_users()
