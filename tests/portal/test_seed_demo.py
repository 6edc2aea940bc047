from io import StringIO

from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command

from portal.demo import DEMO_PASSWORD


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for app_label in ("portal", "auth")
        for model in apps.get_app_config(app_label).get_models()
    }


def test_seed_demo_is_idempotent_and_its_logins_work(db):
    call_command("seed_demo", stdout=StringIO())
    first = row_counts()
    assert first["portal.City"] == 20
    assert first["portal.Membership"] >= 7
    call_command("seed_demo", stdout=StringIO())
    assert row_counts() == first
    for username in ("community", "ward", "city", "secretary", "trainer", "staff", "admin"):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username


def test_programme_staff_can_open_the_admin(client, db):
    call_command("seed_demo", stdout=StringIO())
    client.login(username="staff", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/snippets/portal/membership/").status_code == 200
    client.login(username="community", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 302


def test_staff_group_can_be_synced_without_the_demo(db):
    from django.contrib.auth.models import Group

    out = StringIO()
    call_command("sync_staff_group", stdout=out)
    group = Group.objects.get(name="Programme staff")
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("wagtailadmin", "access_admin") in codenames
    assert ("portal", "change_membership") in codenames
    assert ("proposals", "change_cityworkflowpolicy") in codenames
    call_command("sync_staff_group", stdout=out)
    assert Group.objects.filter(name="Programme staff").count() == 1
