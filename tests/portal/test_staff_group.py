from io import StringIO

from django.core.management import call_command


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
