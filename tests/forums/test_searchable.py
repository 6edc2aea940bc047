"""Forums in search: what the minutes, decisions and action items give the index, and who finds them."""

from django.contrib.auth.models import AnonymousUser

from forums.models import Minutes
from tests.forums.factories import make_minutes


def test_search_registration_gives_text_facets_visibility_and_url(net):
    from forums import samples, services
    from portal.searchable import searchables
    from search import access

    minutes = make_minutes(net, body="<p>Kiến nghị về đất ở ven sông</p>")
    services.minutes_attach(
        minutes=minutes, by=net.official, name="b.pdf", data=samples.text_pdf(["Quy CDF Vinh"])
    )
    services.decision_add(
        meeting=net.meeting, by=net.official, text="Đề nghị Bộ Xây dựng", addressed_to="ministry"
    )
    services.action_item_add(meeting=net.meeting, by=net.official, text="Gửi văn bản", owner_city=net.city,
                             due_on=net.meeting.date)  # fmt: skip
    registered = {s.type: s for s in searchables()}
    assert {"minutes", "decision", "action_item"} <= set(registered)
    s = registered["minutes"]
    obj = s.queryset().get(pk=minutes.pk)
    text = "\n".join(filter(None, s.text(obj)))
    assert "đất ở ven sông" in text and "Quy CDF Vinh" in text and "Hội trường" in text
    assert s.facets(obj) == {"level": "community"} and s.city(obj) == net.city
    assert s.date(obj).year == 2015 and s.url(obj) == f"/forums/minutes/{minutes.pk}/"
    users = [net.official, net.secretary, net.other_official, net.staff, net.trainer, AnonymousUser()]

    def check_agreement():
        for kind in ("minutes", "decision", "action_item"):
            s = registered[kind]
            objs = list(s.queryset())
            assert objs
            for user in users:
                visible = set(
                    s.model._default_manager.filter(access.visible_q(s, user)).values_list("pk", flat=True)
                )
                mine = set(access.user_keys(user))
                by_keys = {o.pk for o in objs if set(access.record_keys(s, o)) & mine}
                assert by_keys == visible, (kind, getattr(user, "username", "anonymous"))

    check_agreement()
    assert not registered["decision"].model.objects.filter(
        access.visible_q(registered["decision"], net.other_official)
    )
    minutes = services.minutes_submit(minutes=minutes, by=net.official)
    minutes = services.minutes_publish(minutes=minutes, by=net.staff)
    check_agreement()
    assert registered["decision"].model.objects.filter(
        access.visible_q(registered["decision"], net.other_official)
    )

    Minutes.objects.filter(pk=minutes.pk).update(is_public=True)
    check_agreement()
