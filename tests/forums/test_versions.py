"""Every save keeps a version: editing twice leaves three, compare shows the change, and
restoring an old one is itself a new version. On the site and in the Wagtail admin."""

import pytest

from forums import selectors, services
from forums.models import Minutes
from tests.forums.factories import make_minutes
from workflows.engine import TransitionConflict


def edit_twice(net):
    minutes = make_minutes(net, body="<p>Có 30 hộ tham gia.</p>")
    minutes = services.minutes_update(minutes=minutes, by=net.official, body="<p>Có 35 hộ tham gia.</p>")
    minutes = services.minutes_update(minutes=minutes, by=net.secretary, body="<p>Có 36 hộ tham gia.</p>")
    return minutes


def test_editing_twice_leaves_three_versions(net):
    minutes = edit_twice(net)
    revisions = selectors.versions(minutes)
    assert len(revisions) == 3
    assert [r.user for r in revisions] == [net.secretary, net.official, net.official]
    assert revisions[0].content["body"] == "<p>Có 36 hộ tham gia.</p>"
    assert minutes.latest_revision_id == revisions[0].pk


def test_a_save_that_changes_nothing_keeps_no_new_version(net):
    minutes = make_minutes(net)
    services.minutes_update(minutes=minutes, by=net.official, body=minutes.body)
    assert len(selectors.versions(minutes)) == 1


def test_compare_shows_the_change(net):
    minutes = edit_twice(net)
    newest, _middle, oldest = selectors.versions(minutes)
    compare = selectors.version_compare(minutes, oldest, newest)
    # side by side, the changed character marked on each side
    assert 'Có&nbsp;3<span class="diff_chg">0</span>&nbsp;hộ' in compare["table"]
    assert 'Có&nbsp;3<span class="diff_chg">6</span>&nbsp;hộ' in compare["table"]
    assert not compare["same_text"]


def test_compare_page_side_by_side(net, client):
    minutes = edit_twice(net)
    newest, _middle, oldest = selectors.versions(minutes)
    client.force_login(net.other_official)
    assert client.get(f"/forums/minutes/{minutes.pk}/versions/").status_code == 404  # a draft of another city
    client.force_login(net.official)
    page = client.get(f"/forums/minutes/{minutes.pk}/versions/?a={oldest.pk}&b={newest.pk}").content.decode()
    assert '3<span class="diff_chg">0</span>' in page and '3<span class="diff_chg">6</span>' in page
    assert 'table class="diff"' in page
    bad = client.get(f"/forums/minutes/{minutes.pk}/versions/?a=999999&b={newest.pk}")
    assert bad.status_code == 200 and 'table class="diff"' not in bad.content.decode()


def test_restore_is_itself_a_version(net, client):
    minutes = edit_twice(net)
    oldest = selectors.versions(minutes)[-1]
    client.force_login(net.official)
    response = client.post(f"/forums/minutes/{minutes.pk}/versions/{oldest.pk}/restore/")
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.body == "<p>Có 30 hộ tham gia.</p>"
    revisions = selectors.versions(minutes)
    assert len(revisions) == 4
    assert revisions[0].content["body"] == "<p>Có 30 hộ tham gia.</p>"
    assert revisions[0].user == net.official


def test_restore_refused_once_published_and_for_others(net, client):
    minutes = edit_twice(net)
    oldest = selectors.versions(minutes)[-1]
    client.force_login(net.other_official)
    assert client.post(f"/forums/minutes/{minutes.pk}/versions/{oldest.pk}/restore/").status_code == 404
    services.minutes_submit(minutes=minutes, by=net.official)
    client.force_login(net.official)
    client.post(f"/forums/minutes/{minutes.pk}/versions/{oldest.pk}/restore/")
    assert Minutes.objects.get(pk=minutes.pk).body == "<p>Có 36 hộ tham gia.</p>"
    assert len(selectors.versions(minutes)) == 3


def test_restore_never_brings_back_the_state(net):
    minutes = edit_twice(net)
    oldest = selectors.versions(minutes)[-1]
    minutes = services.minutes_submit(minutes=minutes, by=net.official)
    restored = services.minutes_restore(minutes=minutes, revision_id=oldest.pk, by=net.staff)
    assert restored.state == "pending"
    assert Minutes.objects.get(pk=minutes.pk).state == "pending"


def test_a_stale_editor_does_not_overwrite_a_newer_version(net, client):
    minutes = make_minutes(net)
    first = minutes.latest_revision_id
    services.minutes_update(minutes=minutes, by=net.secretary, body="<p>Bản của thư ký</p>")
    with pytest.raises(TransitionConflict):
        services.minutes_update(
            minutes=minutes, by=net.official, body="<p>Bản cũ</p>", expected_revision_id=first
        )
    client.force_login(net.official)
    response = client.post(
        f"/forums/minutes/{minutes.pk}/edit/", {"language": "vi", "body": "Bản cũ", "revision": first}
    )
    assert response.status_code == 200
    assert Minutes.objects.get(pk=minutes.pk).body == "<p>Bản của thư ký</p>"


def draftail_value(form):
    """What the admin's rich text editor posts for the form's current body (contentstate)."""
    return form.fields["body"].widget.format_value(form["body"].value())


def test_admin_edit_and_restore_go_through_the_service(net, client):
    from portal.services import programme_staff_group_sync

    net.staff.is_staff = True
    net.staff.save()
    net.staff.groups.add(programme_staff_group_sync())
    minutes = edit_twice(net)
    oldest = selectors.versions(minutes)[-1]
    client.force_login(net.staff)
    base = "/admin/snippets/forums/minutes"
    assert client.get(f"{base}/").status_code == 200
    assert client.get(f"{base}/history/{minutes.pk}/").status_code == 200
    newest = selectors.versions(minutes)[0]
    compare = client.get(f"{base}/history/{minutes.pk}/revisions/compare/{oldest.pk}...{newest.pk}/")
    assert compare.status_code == 200
    assert "30" in compare.content.decode() and "36" in compare.content.decode()
    revert = client.get(f"{base}/history/{minutes.pk}/revisions/{oldest.pk}/revert/")
    assert revert.status_code == 200
    response = client.post(
        f"{base}/history/{minutes.pk}/revisions/{oldest.pk}/revert/",
        {"language": "vi", "body": draftail_value(revert.context["form"]), "is_public": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    minutes.refresh_from_db()
    assert "30" in minutes.body
    assert len(selectors.versions(minutes)) == 4
    # once published, the admin refuses edits (the workflow's edit map)
    minutes = services.minutes_submit(minutes=minutes, by=net.official)
    services.minutes_publish(minutes=minutes, by=net.staff)
    assert client.get(f"{base}/edit/{minutes.pk}/").status_code in (302, 403)
