"""The forums demo (idempotent, through the services, no e-mail) and the search declaration."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db.models import Count

from forums import demo, searchable
from forums.models import ActionItem, Decision, Forum, Meeting, Minutes, MinutesAttachment
from portal import demo as portal_demo
from tests.forums.factories import make_minutes


def counts():
    return (
        Forum.objects.count(),
        Meeting.objects.count(),
        Minutes.objects.count(),
        Decision.objects.count(),
        ActionItem.objects.count(),
        MinutesAttachment.objects.count(),
        sum(m.revisions.count() for m in Minutes.objects.all()),
    )


def test_demo_seeds_the_programmes_forums_and_is_idempotent(db):
    portal_demo.seed()
    demo.seed()
    levels = set(Forum.objects.values_list("level", flat=True))
    assert levels == set(Forum.Level.values)
    assert Forum.objects.filter(level=Forum.Level.COMMUNITY).count() == 6
    states = dict(Minutes.objects.values_list("state").annotate(n=Count("pk")))
    assert {"draft", "pending", "published", "archived"} <= set(states)
    assert Minutes.objects.filter(language="en").exists()
    assert Decision.objects.filter(addressed_to="ministry", status="answered").exists()
    assert Decision.objects.filter(addressed_to="vuf").exists()
    assert ActionItem.objects.filter(status="open").exists()
    statuses = set(MinutesAttachment.objects.values_list("text_status", flat=True))
    assert statuses == {"extracted", "no_text"}
    assert len(mail.outbox) == 0
    before = counts()
    demo.seed()
    assert counts() == before
    # the demo official of Vinh sees open items of Vinh in My work
    from forums.selectors import my_action_items

    city_user = get_user_model().objects.get(username="city")
    assert all(item.owner_city.name == "Vinh" for item in my_action_items(city_user))


def test_search_declaration_gives_text_facets_visibility_and_url(net):
    from forums import samples, services

    minutes = make_minutes(net, body="<p>Kiến nghị về đất ở ven sông</p>")
    services.minutes_attach(
        minutes=minutes, by=net.official, name="b.pdf", data=samples.text_pdf(["Quy CDF Vinh"])
    )
    services.decision_add(
        meeting=net.meeting, by=net.official, text="Đề nghị Bộ Xây dựng", addressed_to="ministry"
    )
    services.action_item_add(meeting=net.meeting, by=net.official, text="Gửi văn bản", owner_city=net.city,
                             due_on=net.meeting.date)  # fmt: skip
    by_type = {source["type"]: source for source in searchable.SOURCES}
    assert set(by_type) == {"minutes", "decision", "action_item"}
    source = by_type["minutes"]
    document = source["document"](source["queryset"]().get(pk=minutes.pk))
    assert "đất ở ven sông" in document["body"] and "Quy CDF Vinh" in document["attachments"]
    assert "Hội trường" in document["meeting"]
    assert document["facets"] == {"type": "minutes", "city": ["Vinh"], "level": "community", "year": 2015}
    assert source["url"](minutes) == f"/forums/minutes/{minutes.pk}/"
    for kind, source in by_type.items():
        model = source["model"]
        assert model.objects.filter(source["visible_q"](net.official)).count() == 1, kind
        assert model.objects.filter(source["visible_q"](net.other_official)).count() == 0, kind
        assert model.objects.filter(source["visible_q"](AnonymousUser())).count() == 0, kind
        for obj in source["queryset"]():
            doc = source["document"](obj)
            assert set(source["fields"]) <= set(doc)
            assert set(source["facets"]) <= set(doc["facets"])
