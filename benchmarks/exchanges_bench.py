"""The exchange network view and list at scale, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anything \\
        .venv/bin/python benchmarks/exchanges_bench.py [--exchanges 5000] [--people 20]

Creates its own database `<name>_exchanges_bench` (dropped at the end), makes 50 member cities
and EXCHANGES exchanges among them (a fifth within a city) with PEOPLE participants each, in
bulk (scale data, not the services), then measures for programme staff and for one city's CDF
secretary: the network figures (queries and median time of 5), the network page and the list
page (queries and median time).
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bench_url(url):
    parts = urlparse(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("DATABASE_URL must point at PostgreSQL")
    name = (parts.path.lstrip("/") or "postgres") + "_exchanges_bench"
    return name, urlunparse(parts._replace(path=f"/{name}")), urlunparse(parts._replace(path="/postgres"))


def _admin(url, sql):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def _data(n_exchanges, n_people):
    from exchanges.models import ExchangeParticipant, ExchangeVisit
    from portal.models import City, Person, Province
    from portal.text import fold

    rng = random.Random(7)
    province = Province.objects.create(name="Tỉnh", region="central")
    cities = City.objects.bulk_create(
        City(province=province, name=f"Thành phố {i}", name_folded=fold(f"Thành phố {i}")) for i in range(50)
    )
    people = Person.objects.bulk_create(
        Person(name=f"Người {i}", name_folded=f"nguoi {i}", city=cities[i % 50]) for i in range(50 * 200)
    )
    by_city = {c.pk: [p for p in people if p.city_id == c.pk] for c in cities}
    states = ["held", "report_submitted", "report_published", "planned", "cancelled"]
    day = datetime.date(2014, 1, 1)
    visits = ExchangeVisit.objects.bulk_create(
        ExchangeVisit(
            title=f"Trao đổi {i}",
            kind="within_city" if i % 5 == 0 else "city_to_city",
            host_city=rng.choice(cities[:45]),  # five cities never host
            start_date=day + datetime.timedelta(days=i % 1000),
            end_date=day + datetime.timedelta(days=i % 1000),
            purpose="Học hỏi",
            state=rng.choice(states),
        )
        for i in range(n_exchanges)
    )
    through = ExchangeVisit.visiting_cities.through
    links, rows = [], []
    for visit in visits:
        sides = [visit.host_city]
        if visit.kind == "city_to_city":
            visitor = rng.choice([c for c in cities[:45] if c.pk != visit.host_city_id])
            links.append(through(exchangevisit_id=visit.pk, city_id=visitor.pk))
            sides.append(visitor)
        for j in range(n_people):
            city = sides[j % len(sides)]
            person = by_city[city.pk][(visit.pk * 7 + j) % 200]
            rows.append(ExchangeParticipant(exchange=visit, person=person, city=city))
    through.objects.bulk_create(links)
    ExchangeParticipant.objects.bulk_create(rows, batch_size=5000)
    return cities


def _median(fn, runs=5):
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--exchanges", type=int, default=5000)
    parser.add_argument("--people", type=int, default=20)
    args = parser.parse_args()
    name, bench_url, admin_url = _bench_url(os.environ.get("DATABASE_URL", ""))
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
    _admin(admin_url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from exchanges.network import exchange_network
        from portal.models import Role
        from portal.permissions import memberships_of
        from tests.factories import user_with_role

        cities = _data(args.exchanges, args.people)
        staff = user_with_role(Role.PROGRAMME_STAFF, username="bench-staff")
        secretary = user_with_role(Role.CDF_SECRETARY, cities[0], username="bench-secretary")
        print(f"{args.exchanges} exchanges, {args.exchanges * args.people} participant rows, 50 cities")
        for label, user in (("staff", staff), ("secretary", secretary)):
            memberships_of(user)
            with CaptureQueriesContext(connection) as queries:
                network = exchange_network(user)
            ms = _median(lambda user=user: exchange_network(user))
            print(
                f"{label:9} network figures: {len(queries)} queries, {ms:.0f} ms median; "
                f"{len(network.edges)} city pairs, {network.total_visits} visits, "
                f"{len(network.without)} cities without"
            )
            client = Client()
            client.force_login(user)
            for page in ("/exchanges/network/", "/exchanges/"):
                count = []
                with connection.execute_wrapper(
                    lambda execute, *a, count=count: count.append(1) or execute(*a)
                ):
                    assert client.get(page).status_code == 200
                ms = _median(lambda page=page, client=client: client.get(page))
                print(f"{label:9} {page:20} {len(count)} queries, {ms:.0f} ms median")
    finally:
        from django.db import connections

        connections.close_all()
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}"')


if __name__ == "__main__":
    main()
