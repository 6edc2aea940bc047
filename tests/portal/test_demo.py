"""`manage.py seed_demo`: what the demo holds, app by app, that it sends no mail and that a
second run changes nothing.

Seeding the whole demo takes several seconds, so this module seeds it once, twice in a row,
inside a transaction that is rolled back after the module; each test runs in a savepoint of
it (pytest-django's `db`). The apps' demo assertions live here rather than in one seeded
module per app, which cost the suite two minutes.
"""

from io import StringIO
from types import SimpleNamespace
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import TestCase, override_settings
from django.utils import translation
from django_fsm_log.models import StateLog

from exchanges.models import ExchangeFile, ExchangeParticipant, ExchangeVisit
from exchanges.network import exchange_network
from forums.models import ActionItem, Decision, Forum, Minutes, MinutesAttachment
from portal.demo import DEMO_PASSWORD
from portal.models import Person
from proposals.models import CityFund, LedgerEntry, Proposal
from training.models import TrainingSession
from training.selectors import training_statistics


def row_counts():
    """Rows of every table a model of an installed app manages."""
    counts = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        counts[meta.label] = model._default_manager.count()
    return counts


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("demo")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media / "media", PRIVATE_MEDIA_ROOT=media / "private"),
        translation.override("en"),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            mail.outbox = []
            out = StringIO()
            # seed_demo commits each app's block; its transitions' after-commit effects run here
            with (
                TestCase.captureOnCommitCallbacks(execute=True) as callbacks,
                mock.patch("search.signals._queue") as index_updates,
            ):
                call_command("seed_demo", stdout=out)
            first = row_counts()
            sent = list(mail.outbox)
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("seed_demo", stdout=StringIO())
            yield SimpleNamespace(
                output=out.getvalue(),
                callbacks=callbacks,
                mail=sent,
                index_updates=index_updates.call_count,
                first=first,
                second=row_counts(),
            )
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def seeded(demo, db):
    return demo


def test_a_second_run_changes_no_row_of_any_table(seeded):
    changed = {
        label: (n, seeded.second[label]) for label, n in seeded.first.items() if seeded.second[label] != n
    }
    assert changed == {}


def test_the_demo_sends_no_mail_although_its_transitions_commit(seeded):
    assert seeded.callbacks  # transitions did commit, and their effects ran
    assert seeded.mail == []


def test_the_logins_it_prints_work(seeded):
    assert "Demo logins" in seeded.output
    assert seeded.first["portal.City"] == 20
    assert seeded.first["portal.Membership"] >= 7
    for username in ("community", "ward", "city", "secretary", "secretary2", "trainer", "staff", "admin"):
        assert username in seeded.output
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username


def test_programme_staff_can_open_the_admin_and_a_community_cannot(seeded, client):
    client.login(username="staff", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/snippets/portal/membership/").status_code == 200
    client.login(username="community", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 302


def test_proposals_cover_every_state_with_histories_and_funds(seeded):
    counts = dict(Proposal.objects.values_list("state").annotate(n=Count("pk")))
    assert set(counts) == set(Proposal.State.values)
    assert 40 <= sum(counts.values()) <= 50
    assert StateLog.objects.filter(content_type__model="proposal").count() > 100
    funds = list(CityFund.objects.all())
    assert len(funds) == 3 and all(f.balance() > 0 for f in funds)
    assert LedgerEntry.objects.filter(kind="repayment").exists()


def test_training_has_the_programmes_17_sessions_and_2100_people(seeded):
    statuses = dict(TrainingSession.objects.values_list("status").annotate(n=Count("id")))
    # every past session is in its final state, with its history
    assert statuses["report_submitted"] >= 10
    assert StateLog.objects.filter(content_type__model="trainingsession").count() == (
        statuses["held"] + 2 * statuses["report_submitted"]
    )
    stats = training_statistics(TrainingSession.objects.all())
    assert (stats["totals"]["sessions"], stats["totals"]["people"]) == (17, 2100)
    assert TrainingSession.objects.filter(city__name="Vinh", trainers__username="trainer").count() == 5


def test_exchanges_in_every_state_with_participants_from_the_registry(seeded):
    states = dict(ExchangeVisit.objects.values_list("state").annotate(n=Count("id")))
    assert states == {"report_published": 4, "report_submitted": 1, "held": 2, "cancelled": 1, "planned": 1}
    assert ExchangeVisit.objects.filter(kind="within_city").count() == 2
    assert ExchangeFile.objects.filter(kind="photo").count() == 10
    assert ExchangeParticipant.objects.count() > 50
    # participants come from the registry: no new people were made for them
    assert (
        not Person.objects.filter(exchange_participations__isnull=False, training_attendances__isnull=True)
        .filter(phone="")
        .exists()
    )
    network = exchange_network(get_user_model().objects.get(username="staff"))
    assert {(e.source, e.target) for e in network.edges} >= {("Hải Dương", "Vinh"), ("Vinh", "Quy Nhơn")}
    assert "Rạch Giá" in network.without


def test_forums_of_every_level_with_minutes_decisions_and_action_items(seeded):
    from forums.selectors import my_action_items

    assert set(Forum.objects.values_list("level", flat=True)) == set(Forum.Level.values)
    assert Forum.objects.filter(level=Forum.Level.COMMUNITY).count() == 6
    states = dict(Minutes.objects.values_list("state").annotate(n=Count("pk")))
    assert {"draft", "pending", "published", "archived"} <= set(states)
    assert Minutes.objects.filter(language="en").exists()
    assert Decision.objects.filter(addressed_to="ministry", status="answered").exists()
    assert Decision.objects.filter(addressed_to="vuf").exists()
    assert ActionItem.objects.filter(status="open").exists()
    assert set(MinutesAttachment.objects.values_list("text_status", flat=True)) == {"extracted", "no_text"}
    # the demo official of Vinh sees open items of Vinh in My work
    city_user = get_user_model().objects.get(username="city")
    items = list(my_action_items(city_user))
    assert items and all(item.owner_city.name == "Vinh" for item in items)


def test_everything_is_indexed_for_search_at_once(seeded):
    from search.models import SearchEntry

    # the saves queued no index updates: search's own demo step indexes everything at the end
    assert seeded.index_updates == 0

    assert SearchEntry.objects.count() > 250
    assert set(SearchEntry.objects.values_list("type", flat=True)) >= {
        "proposal",
        "training_session",
        "minutes",
        "decision",
        "action_item",
        "exchange",
    }
