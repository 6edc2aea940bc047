"""Search at a few thousand records: indexing time and query latency p50/p95 of the database
backend in use (SQLite FTS5 by default, PostgreSQL with DATABASE_URL).

    .venv/bin/python benchmarks/search_bench.py                       # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/search_bench .venv/bin/python benchmarks/search_bench.py

Creates (and afterwards drops) the database: a temporary SQLite file, or the PostgreSQL database
named in DATABASE_URL. Loads 4,000 proposals and 400 training sessions over 20 cities, indexes
them, then times searches (with and without accents, phrases, facets, date sort) as a
programme officer (sees everything) and as a city official (visibility filter narrows it).
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

CITIES, WARDS, COMMUNITIES = 20, 3, 4
PROPOSALS = int(os.environ.get("BENCH_PROPOSALS", 4_000))
SESSIONS = PROPOSALS // 10
RUNS = int(os.environ.get("BENCH_RUNS", 40))
_VOCABULARY = (
    "nước sạch mương thoát ngập đường ngõ bê tông hóa đèn chiếu sáng nhà văn hoá sửa mái thủy lợi "
    "thuỷ điện cống rãnh rác thải tiết kiệm quỹ cộng đồng vay vốn quay vòng hộ nghèo đình chùa chợ "
    "trường học trạm y tế cầu kênh giếng khoan bể chứa đồng hồ ống nhựa lát gạch sân chơi cây xanh"
)
WORDS = _VOCABULARY.split()
CITY_NAMES = [
    "Hà Nội", "Đà Nẵng", "Vinh", "Huế", "Hải Dương", "Việt Trì", "Quy Nhơn", "Cần Thơ", "Đồng Hới",
    "Thái Nguyên", "Nam Định", "Lào Cai", "Tam Kỳ", "Đông Hà", "Hội An", "Buôn Ma Thuột", "Pleiku",
    "Cà Mau", "Long Xuyên", "Thủ Dầu Một",
]  # fmt: skip
QUERIES = [
    ("no words, newest first", {}),
    ("one word, accents", {"q": "mương"}),
    ("one word, no accents", {"q": "muong"}),
    ("two words", {"q": "nuoc sach"}),
    ("đ typed as d", {"q": "den duong"}),
    ("phrase", {"q": '"thoat nuoc"'}),
    ("word + city + year", {"q": "bê tông", "city": "CITY", "year": "2025"}),
    ("word, by date, page 3", {"q": "quy", "sort": "date", "page": "3"}),
]


def database():
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = Path(tempfile.mkdtemp()) / "search_bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return lambda: path.unlink(missing_ok=True)
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return drop


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize()


def load(rng):
    import datetime

    from django.utils import timezone

    from portal.models import City, Community, Province, Role, Ward
    from portal.services import membership_grant
    from proposals.models import Proposal
    from tests.factories import UserFactory
    from training.models import Course, TrainingSession

    province = Province.objects.create(name="Tỉnh", region="central")
    cities = [City.objects.create(province=province, name=name) for name in CITY_NAMES[:CITIES]]
    communities = []
    for city in cities:
        for w in range(WARDS):
            ward = Ward.objects.create(city=city, name=f"Phường {w + 1}")
            for c in range(COMMUNITIES):
                communities.append(Community.objects.create(ward=ward, name=f"Khối {c + 1}", households=100))
    states = [s for s in Proposal.State.values if s != "draft"] + ["draft"] * 3
    proposals = []
    for _ in range(PROPOSALS):
        proposals.append(
            Proposal(
                community=rng.choice(communities),
                title=sentence(rng, 5),
                category=rng.choice(Proposal.Category.values),
                description=sentence(rng, 60),
                location=sentence(rng, 3),
                state=rng.choice(states),
            )
        )
    Proposal.objects.bulk_create(proposals, batch_size=500)
    for p in Proposal.objects.all():
        day = datetime.datetime(
            rng.randint(2015, 2026), rng.randint(1, 12), rng.randint(1, 28), tzinfo=datetime.UTC
        )
        Proposal.objects.filter(pk=p.pk).update(created_at=day)
    course = Course.objects.create(title="Quản lý quỹ CDF", topic="cdf_management")
    sessions = []
    for i in range(SESSIONS):
        start = timezone.make_aware(datetime.datetime(rng.randint(2012, 2026), rng.randint(1, 12), 3, 8))
        sessions.append(
            TrainingSession(
                code=f"s-{i}",
                course=course,
                city=rng.choice(cities),
                venue=sentence(rng, 4),
                starts_at=start,
                ends_at=start + datetime.timedelta(days=1),
                topics_covered=sentence(rng, 40),
            )
        )
    TrainingSession.objects.bulk_create(sessions, batch_size=500)
    staff = UserFactory(username="bench-staff")
    membership_grant(user=staff, role=Role.PROGRAMME_STAFF)
    official = UserFactory(username="bench-city")
    membership_grant(user=official, role=Role.CITY_OFFICIAL, city=cities[0])
    return cities, staff, official


def main():
    drop = database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.http import QueryDict

    from search import indexing
    from search.models import SearchEntry
    from search.params import parse_params
    from search.service import search

    try:
        call_command("migrate", verbosity=0)
        rng = random.Random(11)
        t = time.perf_counter()
        with transaction.atomic():
            cities, staff, official = load(rng)
        print(f"database: {connection.vendor}; loaded in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        indexing.rebuild()
        print(f"indexed {SearchEntry.objects.count():,} records in {time.perf_counter() - t:.1f} s\n")
        print(f"{'query':<26} {'user':<14} {'hits':>6} {'p50 ms':>8} {'p95 ms':>8}")
        for label, raw in QUERIES:
            for who, user in (("programme", staff), ("city official", official)):
                data = QueryDict(mutable=True)
                for k, v in raw.items():
                    data[k] = str(cities[0].pk) if v == "CITY" else v
                params = parse_params(data)
                times = []
                for _ in range(RUNS):
                    for attr in ("_portal_memberships",):
                        user.__dict__.pop(attr, None)  # a new request reads memberships again
                    t = time.perf_counter()
                    results = search(user, params)
                    times.append((time.perf_counter() - t) * 1000)
                times.sort()
                p95 = times[int(len(times) * 0.95) - 1]
                print(
                    f"{label:<26} {who:<14} {results.count:>6} {statistics.median(times):>8.1f} {p95:>8.1f}"
                )
    finally:
        drop()


if __name__ == "__main__":
    main()
