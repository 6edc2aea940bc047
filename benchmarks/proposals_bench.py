"""Proposals at scale: 10,000 proposals with their histories across 50 cities on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wf_bench .venv/bin/python benchmarks/proposals_bench.py

Creates (and afterwards drops) the database named in DATABASE_URL, bulk-loads the data, then
prints p50/p95 times and queries per request for the review queue page and for one transition,
each next to a floor: a minimal view that runs one indexed query on the same table and renders
the same number of rows, and a bare one-row UPDATE of the state.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

CITIES, WARDS, COMMUNITIES, PROPOSALS = 50, 3, 4, 10_000
RUNS = 60


def recreate_database(url):
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin, name


def drop_database(admin, name):
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


# The states the benchmark spreads proposals over; each one's walk (transitions and the states
# they reach) comes from the workflow's declaration, under the default city policy.
STATES = [
    "draft",
    "submitted",
    "revision_requested",
    "endorsed",
    "approved",
    "funded",
    "in_progress",
    "completed",
    "closed",
    "rejected",
    "withdrawn",
]


def load():
    import datetime

    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from django_fsm_log.models import StateLog

    from portal.models import City, Community, Membership, Province, Role, Ward
    from proposals.models import CityFund, LedgerEntry, Proposal

    rng = random.Random(10_000)
    User = get_user_model()
    province = Province.objects.create(name="Bench", region="central")
    cities = City.objects.bulk_create(
        [City(name=f"City {i}", name_folded=f"city {i}", province=province) for i in range(CITIES)]
    )
    wards = Ward.objects.bulk_create(
        [
            Ward(city=c, name=f"Ward {c.pk}-{j}", name_folded=f"ward {c.pk}-{j}")
            for c in cities
            for j in range(WARDS)
        ]
    )
    communities = Community.objects.bulk_create(
        [
            Community(
                ward=w, name=f"Community {w.pk}-{k}", name_folded=f"community {w.pk}-{k}", households=100
            )
            for w in wards
            for k in range(COMMUNITIES)
        ]
    )
    users = {}
    memberships = []
    for c in cities:
        for role in (Role.CITY_OFFICIAL, Role.CDF_SECRETARY):
            users[(role, c.pk)] = User(username=f"{role}-{c.pk}", email=f"{role}-{c.pk}@bench.local")
    for w in wards:
        users[(Role.WARD_OFFICER, w.pk)] = User(username=f"ward-{w.pk}", email=f"ward-{w.pk}@bench.local")
    for m in communities:
        users[(Role.COMMUNITY_REPRESENTATIVE, m.pk)] = User(
            username=f"rep-{m.pk}", email=f"rep-{m.pk}@bench.local"
        )
    User.objects.bulk_create(users.values())
    users = {key: User.objects.get(username=u.username) for key, u in users.items()}
    for (role, place), user in users.items():
        field = {
            Role.CITY_OFFICIAL: "city_id",
            Role.CDF_SECRETARY: "city_id",
            Role.WARD_OFFICER: "ward_id",
        }.get(role, "community_id")
        memberships.append(Membership(user=user, role=role, **{field: place}))
    Membership.objects.bulk_create(memberships)

    funds = {f.city_id: f for f in CityFund.objects.bulk_create([CityFund(city=c) for c in cities])}
    secretary_of = {c.pk: users[(Role.CDF_SECRETARY, c.pk)] for c in cities}
    ledger = [
        LedgerEntry(
            fund=funds[c.pk],
            kind="seed_capital",
            amount=50_000_000_000,
            date=datetime.date(2026, 1, 1),
            recorded_by=secretary_of[c.pk],
        )
        for c in cities
    ]
    from proposals.models import PROPOSAL_WORKFLOW, CityWorkflowPolicy

    steps_to = {state: PROPOSAL_WORKFLOW.steps_to(state, CityWorkflowPolicy()) for state in STATES}
    states = list(STATES)
    now = timezone.now()
    proposals = []
    for i in range(PROPOSALS):
        community = communities[i % len(communities)]
        state = rng.choice(states)
        amount = rng.randint(20, 180) * 1_000_000
        approved = amount if any(name == "approve" for name, _ in steps_to[state]) else 0
        proposals.append(
            Proposal(
                community=community,
                title=f"Proposal {i}",
                category=rng.choice(Proposal.Category.values),
                description="Bench",
                households_planned=40,
                requested_amount=amount,
                approved_amount=approved,
                state=state,
            )
        )
    Proposal.objects.bulk_create(proposals, batch_size=2000)
    # spread the modification times so the queue's order is realistic
    ct = ContentType.objects.get_for_model(Proposal)
    logs = []
    city_of = {m.pk: m.ward.city_id for m in Community.objects.select_related("ward")}
    ward_of = {m.pk: m.ward_id for m in communities}
    for p in proposals:
        source = "draft"
        for step, (name, target) in enumerate(steps_to[p.state]):
            by = {
                "endorse": users[(Role.WARD_OFFICER, ward_of[p.community_id])],
                "request_revision": users[(Role.WARD_OFFICER, ward_of[p.community_id])],
                "approve": users[(Role.CITY_OFFICIAL, city_of[p.community_id])],
                "reject": users[(Role.CITY_OFFICIAL, city_of[p.community_id])],
                "close": users[(Role.CITY_OFFICIAL, city_of[p.community_id])],
                "disburse": secretary_of[city_of[p.community_id]],
            }.get(name, users[(Role.COMMUNITY_REPRESENTATIVE, p.community_id)])
            logs.append(
                StateLog(
                    timestamp=now - datetime.timedelta(days=30 - step),
                    by=by,
                    source_state=source,
                    state=target,
                    transition=name,
                    content_type=ct,
                    object_id=p.pk,
                )
            )
            if name == "disburse":
                ledger.append(
                    LedgerEntry(
                        fund=funds[city_of[p.community_id]],
                        kind="disbursement",
                        amount=-p.approved_amount,
                        date=datetime.date(2026, 2, 1),
                        proposal=p,
                        recorded_by=by,
                    )
                )
            source = target
    StateLog.objects.bulk_create(logs, batch_size=5000)
    LedgerEntry.objects.bulk_create(ledger, batch_size=5000)
    return cities, wards, users, len(logs)


def percentiles(samples):
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return statistics.median(samples) * 1000, p95 * 1000


def timed(fn, runs=RUNS):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm up
    times, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        queries.append(len(ctx.captured_queries))
    return (*percentiles(times), max(queries))


def main():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database this script may create and drop.")
    admin, name = recreate_database(url)
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        # the test client's host; setup_test_environment() is not used because it instruments
        # template rendering, which would inflate the page timings
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        cities, wards, users, n_logs = load()
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"Loaded {PROPOSALS:,} proposals, {n_logs:,} history rows, {CITIES} cities "
            f"in {time.perf_counter() - start:.1f} s"
        )
        run(cities, wards, users)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(admin, name)


def run(cities, wards, users):
    from django.db import transaction
    from django.http import HttpResponse
    from django.template import engines
    from django.test import Client, RequestFactory

    from portal.models import Role
    from proposals import services
    from proposals.models import Proposal

    city = cities[7]
    official = users[(Role.CITY_OFFICIAL, city.pk)]
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(official)
    rows = Proposal.objects.filter(community__ward__city=city).exclude(state="draft").count()

    def queue():
        response = client.get("/proposals/review/")
        assert response.status_code == 200

    def queue_filtered():
        response = client.get("/proposals/review/", {"state": "submitted"})
        assert response.status_code == 200

    template = engines["django"].from_string(
        "<table>{% for p in rows %}<tr><td>{{ p.title }}</td><td>{{ p.state }}</td>"
        "<td>{{ p.requested_amount }}</td></tr>{% endfor %}</table>"
    )
    factory = RequestFactory()

    def floor_view(request):
        page = list(
            Proposal.objects.filter(community__ward__city_id=city.pk)
            .only("title", "state", "requested_amount")
            .order_by("-updated_at")[:25]
        )
        return HttpResponse(template.render({"rows": page}))

    def floor():
        floor_view(factory.get("/floor/"))

    # one transition each run: endorse a different submitted proposal, by its ward officer
    submitted = list(
        Proposal.objects.filter(state="submitted")
        .select_related("community__ward")
        .order_by("pk")[: RUNS + 1]
    )
    endorse_iter = iter(submitted)

    def endorse():
        proposal = next(endorse_iter)
        services.proposal_endorse(
            proposal=proposal, by=users[(Role.WARD_OFFICER, proposal.community.ward_id)]
        )

    targets = iter(list(Proposal.objects.filter(state="endorsed").values_list("pk", flat=True)[: RUNS + 1]))

    def bare_update():
        with transaction.atomic():
            Proposal.objects.filter(pk=next(targets), state="endorsed").update(state="approved")

    # Where the queue's time goes: each part alone, so the gap to the floor can be read.
    from django.template.loader import get_template
    from django.urls import clear_url_caches, path

    from portal import urls as portal_urls
    from proposals import selectors
    from proposals.forms import ReviewFilterForm
    from proposals.views import _page

    def floor_view_logged_in(request):
        assert request.user.is_authenticated  # the session and user queries every page pays
        return floor_view(request)

    portal_urls.urlpatterns.insert(0, path("bench-floor/", floor_view_logged_in))
    clear_url_caches()

    def floor_through_portal():
        assert client.get("/bench-floor/").status_code == 200

    request = factory.get("/proposals/review/")
    request.user = official

    def query_alone():
        page = _page(request, selectors.review_queue_page(official))
        assert len(page.object_list) == 25

    def form_alone():
        form = ReviewFilterForm({}, wards=selectors.ward_choices(official))
        form.is_valid()

    page = _page(request, selectors.review_queue_page(official))
    form = ReviewFilterForm(None, wards=selectors.ward_choices(official))
    page_template = get_template("proposals/review_queue.html")

    def render_alone():
        page_template.render({"form": form, "page": page, "query": "", "can_export": True}, request)

    parts = [
        ("floor through the portal (login, middleware)", timed(floor_through_portal)),
        ("scoped page query: 25 rows, count, awaiting", timed(query_alone)),
        ("filter form with the user's wards", timed(form_alone)),
        ("template: layout, filters, 25 rows", timed(render_alone)),
    ]

    results = [
        (f"review queue (city official, 25 of {rows} rows)", timed(queue)),
        ("review queue, state filter", timed(queue_filtered)),
        ("floor: one indexed query, 25 rows rendered", timed(floor)),
        ("transition: endorse (lock, guard, log, mail)", timed(endorse)),
        ("floor: bare one-row UPDATE of the state", timed(bare_update)),
    ]
    print(f"\n{'what':48} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, (p50, p95, queries) in results:
        print(f"{label:48} {p50:8.1f} {p95:8.1f} {queries:8d}")
    ratio = results[0][1][0] / results[2][1][0]
    print(f"\nreview queue p50 / floor p50: {ratio:.1f}x (issue 8: was 11.7x; goal <= 3x)")
    print("\nthe review queue's parts, each alone")
    for label, (p50, p95, queries) in parts:
        print(f"{label:48} {p50:8.1f} {p95:8.1f} {queries:8d}")


if __name__ == "__main__":
    main()
