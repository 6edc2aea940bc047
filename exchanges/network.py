"""The exchange network: which cities visited which, how often and with how many people, as
numbers (aggregate queries, a fixed number whatever the size of the data) and as an SVG picture
drawn on the server from the same numbers (no JavaScript, no outside service; every name
escaped, as in `workflows/diagram.py`).

Counted: the exchanges the user may see that took place (held, report submitted or published).
"People" on an edge are the participants who came from the visiting city; within a city, every
participant."""

import math
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from portal.models import City

from .models import ExchangeParticipant, ExchangeVisit


@dataclass
class Edge:
    source_id: int
    target_id: int
    source: str = ""
    target: str = ""
    visits: int = 0
    people: int = 0


@dataclass
class Network:
    edges: list = field(default_factory=list)  # Edge, city to city (visitor → host)
    within: list = field(default_factory=list)  # (city name, visits, people), within a city
    cities: dict = field(default_factory=dict)  # id -> name, every active member city
    without: list = field(default_factory=list)  # names of member cities with no exchange yet
    within_by_id: dict = field(default_factory=dict)  # city id -> visits within that city

    @property
    def total_visits(self):
        return sum(e.visits for e in self.edges) + sum(v for _n, v, _p in self.within)

    @property
    def total_people(self):
        return sum(e.people for e in self.edges) + sum(p for _n, _v, p in self.within)


def exchange_network(user) -> Network:
    """Four aggregate queries (plus the user's memberships, read once per request)."""
    visits = ExchangeVisit.objects.visible_to(user).taken_place().values("pk")
    through = ExchangeVisit.visiting_cities.through.objects
    pairs = (
        through.filter(exchangevisit__in=visits, exchangevisit__kind=ExchangeVisit.Kind.CITY_TO_CITY)
        .values("city_id", "exchangevisit__host_city_id")
        .annotate(n=Count("exchangevisit_id", distinct=True))
    )
    within_visits = (
        ExchangeVisit.objects.filter(pk__in=visits, kind=ExchangeVisit.Kind.WITHIN_CITY)
        .values("host_city_id")
        .annotate(n=Count("id"))
    )
    people = (
        ExchangeParticipant.objects.filter(exchange__in=visits)
        .values("city_id", "exchange__host_city_id", "exchange__kind")
        .annotate(n=Count("id"))
    )
    cities = dict(City.objects.filter(is_active=True).order_by("name_folded").values_list("id", "name"))

    edge_people, within_people = {}, {}
    for row in people:
        host, home = row["exchange__host_city_id"], row["city_id"]
        if row["exchange__kind"] == ExchangeVisit.Kind.WITHIN_CITY:
            within_people[host] = within_people.get(host, 0) + row["n"]
        elif home != host:
            edge_people[(home, host)] = row["n"]
    network = Network(cities=cities)
    for row in pairs:
        key = (row["city_id"], row["exchangevisit__host_city_id"])
        network.edges.append(
            Edge(
                source_id=key[0],
                target_id=key[1],
                source=cities.get(key[0], "?"),
                target=cities.get(key[1], "?"),
                visits=row["n"],
                people=edge_people.get(key, 0),
            )
        )
    network.edges.sort(key=lambda e: (-e.visits, e.source, e.target))
    for row in within_visits:
        city_id = row["host_city_id"]
        network.within.append((cities.get(city_id, "?"), row["n"], within_people.get(city_id, 0)))
    network.within.sort(key=lambda item: (-item[1], item[0]))
    active = {e.source_id for e in network.edges} | {e.target_id for e in network.edges}
    active |= {row["host_city_id"] for row in within_visits}
    network.without = [name for city_id, name in cities.items() if city_id not in active]
    network.within_by_id = {row["host_city_id"]: row["n"] for row in within_visits}
    return network


# --- the picture ------------------------------------------------------------------------------

SIZE = 640
RADIUS = 230
NODE_R = 9


def network_svg(network: Network) -> str:
    """Cities with an exchange on a circle; an arrow from each visiting city to its host, as
    thick as the visits are many, labelled with visits and people; a city's own exchanges
    (within the city) as a number in a ring beside it."""
    ids = sorted(
        {e.source_id for e in network.edges}
        | {e.target_id for e in network.edges}
        | set(network.within_by_id),
        key=lambda i: network.cities.get(i, ""),
    )
    title = escape(_("Exchange visits between cities"))
    if not ids:
        return mark_safe(
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} 60" role="img" '
            f'class="network-svg" aria-label="{title}"><text x="10" y="30">'
            f"{escape(_('No exchange has taken place yet.'))}</text></svg>"
        )
    centre = SIZE / 2
    position = {}
    for i, city_id in enumerate(ids):
        angle = -math.pi / 2 + 2 * math.pi * i / len(ids)
        position[city_id] = (centre + RADIUS * math.cos(angle), centre + RADIUS * math.sin(angle))
    most = max([e.visits for e in network.edges] or [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" role="img" '
        f'class="network-svg" aria-label="{title}">',
        f"<title>{title}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#2f6f8f"/>'
        "</marker></defs>",
    ]
    for edge in network.edges:
        (x1, y1), (x2, y2) = position[edge.source_id], position[edge.target_id]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1
        ux, uy = dx / length, dy / length
        # two cities visiting each other: the two arrows sit side by side
        ox, oy = -uy * 4, ux * 4
        sx, sy = x1 + ux * NODE_R + ox, y1 + uy * NODE_R + oy
        tx, ty = x2 - ux * (NODE_R + 2) + ox, y2 - uy * (NODE_R + 2) + oy
        width = 1.5 + 4.5 * edge.visits / most
        label = _("%(source)s → %(target)s: %(visits)s visits, %(people)s people") % {
            "source": edge.source,
            "target": edge.target,
            "visits": edge.visits,
            "people": edge.people,
        }
        parts.append(
            f'<g class="edge"><title>{escape(label)}</title>'
            f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{tx:.1f}" y2="{ty:.1f}" stroke="#2f6f8f" '
            f'stroke-opacity=".75" stroke-width="{width:.1f}" marker-end="url(#arrow)"/>'
            f'<text x="{(sx + tx) / 2 + ox * 2:.1f}" y="{(sy + ty) / 2 + oy * 2:.1f}" font-size="11" '
            f'text-anchor="middle" fill="#1d3b4a">{edge.visits}</text></g>'
        )
    within = network.within_by_id
    for city_id in ids:
        x, y = position[city_id]
        name = network.cities.get(city_id, "?")
        out_x, out_y = (x - centre) / RADIUS, (y - centre) / RADIUS
        lx, ly = x + out_x * 22, y + out_y * 22 + 4
        anchor = "start" if out_x > 0.3 else "end" if out_x < -0.3 else "middle"
        parts.append(
            f'<g class="city"><circle cx="{x:.1f}" cy="{y:.1f}" r="{NODE_R}" fill="#fff" '
            f'stroke="#2f6f8f" stroke-width="2"/>'
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="13" text-anchor="{anchor}">{escape(name)}</text>'
        )
        if city_id in within:
            note = _("%(n)s within the city") % {"n": within[city_id]}
            parts.append(
                f'<text x="{x:.1f}" y="{y + 4:.1f}" font-size="10" text-anchor="middle" '
                f'fill="#1d3b4a"><title>{escape(note)}</title>{within[city_id]}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))
