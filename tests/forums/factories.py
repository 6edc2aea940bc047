"""Forum records for tests, made through the real services."""

import datetime

from forums import services
from forums.models import MINUTES_WORKFLOW, Forum
from portal.models import Role
from tests.factories import CityFactory, user_with_role

BODY = "<p>Diễn đàn thống nhất kiến nghị thành phố đóng góp cho Quỹ.</p>"


class Network:
    """Two cities, each with a city official and a CDF secretary, programme staff, a plain
    logged-in user of another role, and one meeting hosted by the first city."""

    def __init__(self):
        self.city = CityFactory(name="Vinh")
        self.other_city = CityFactory(name="Hải Dương")
        self.official = user_with_role(Role.CITY_OFFICIAL, self.city, username="tuan")
        self.secretary = user_with_role(Role.CDF_SECRETARY, self.city, username="huong")
        self.other_official = user_with_role(Role.CITY_OFFICIAL, self.other_city, username="binh")
        self.staff = user_with_role(Role.PROGRAMME_STAFF, username="anh")
        self.trainer = user_with_role(Role.TRAINER, self.city, username="ha")
        self.forum = services.forum_create(
            by=self.staff, name="Diễn đàn cộng đồng Vinh", level=Forum.Level.COMMUNITY, cities=[self.city]
        )
        self.meeting = make_meeting(self, title="Kỳ họp tháng 3")


def make_meeting(
    net, *, title="Kỳ họp", host_city=None, date=datetime.date(2015, 3, 12), cities=(), forum=None
):
    return services.meeting_create(
        by=net.staff,
        forum=forum or net.forum,
        title=title,
        date=date,
        venue="Hội trường UBND phường Hưng Bình",
        host_city=host_city or net.city,
        cities=cities,
        participants_female=20,
        participants_male=10,
    )


def make_minutes(net, *, meeting=None, state="draft", is_public=False, body=BODY, language="vi"):
    """Minutes written by the host city's official and walked to `state` (staff publish)."""
    minutes = services.minutes_create(
        meeting=meeting or net.meeting, by=net.official, body=body, language=language, is_public=is_public
    )
    for name in MINUTES_WORKFLOW.path_to(state):
        actor = net.official if name == "submit_for_review" else net.staff
        minutes = services.minutes_transition(minutes=minutes, name=name, by=actor)
    return minutes
