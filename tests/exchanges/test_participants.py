"""Participants from the shared registry: a match is used only within the user's cities (a
phone from another city is neither revealed nor reused), and sheets import all or nothing with
row errors, in the encodings Vietnamese offices use; exports escape formula cells."""

import io

import pytest
from django.urls import reverse

from exchanges import services
from exchanges.importing import participants_export, participants_import
from exchanges.models import ExchangeParticipant
from portal.models import Person
from tests.exchanges import factories
from tests.factories import PersonFactory
from tests.training.test_import import encode_cp1258
from workflows.engine import WorkflowError


@pytest.fixture
def net(db):
    return factories.network()


@pytest.fixture
def exchange(net):
    return factories.make(net, "held")


def test_a_registry_match_within_the_users_city_is_reused(net, exchange):
    known = PersonFactory(name="Đặng Thị Đào", phone="0977 888 999", city=net.visitor)
    participant, match, created = services.participant_add(
        exchange=exchange, by=net.visitor_secretary, city=net.visitor, name="Dang Thi Dao", phone="0977888999"
    )
    assert created and participant.person == known and match.reason == "phone"
    same_name, match, _c = services.participant_add(
        exchange=exchange, by=net.visitor_secretary, city=net.visitor, name="Đặng Thị Đào"
    )
    assert same_name.person == known and match.reason == "roster_name"
    assert ExchangeParticipant.objects.filter(exchange=exchange).count() == 1


def test_a_phone_from_another_city_is_not_revealed(net, exchange, client):
    PersonFactory(name="Hoàng Văn Bí Mật", phone="0912 345 678", city=net.visitor)
    client.force_login(net.host_secretary)
    response = client.post(
        reverse("exchanges:participant_add", args=[exchange.pk]),
        {
            "city": net.host.pk,
            "name": "Nguyễn Thị Mới",
            "gender": "female",
            "phone": "0912345678",
            "role": "community_member",
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Bí Mật" not in text and "Nguyễn Thị Mới" in text
    participant = ExchangeParticipant.objects.get(exchange=exchange)
    assert participant.person.name == "Nguyễn Thị Mới" and participant.person.city == net.host
    assert Person.objects.filter(phone_normalized="0912345678").count() == 2  # staff merge later


def test_staff_may_reuse_anyone(net, exchange):
    known = PersonFactory(phone="0988 000 111", city=net.visitor)
    participant, match, _c = services.participant_add(
        exchange=exchange, by=net.staff, city=net.visitor, name="Ai đó", phone="0988000111"
    )
    assert participant.person == known and match is not None


def _csv(rows, encoding="utf-8-sig"):
    return ("\n".join(rows) + "\n").encode(encoding)


HEADER = "Họ và tên,Giới tính,Năm sinh,Điện thoại,Đơn vị,Vai trò"


def test_import_rejects_bad_rows_with_messages_and_writes_nothing(net, exchange):
    people = Person.objects.count()
    data = _csv(
        [
            HEADER,
            "Phan Thị Nga,Nữ,1975,0934 111 222,Hội Phụ nữ,",
            "Bùi Văn Tư,Nam,năm ngoái,,UBND phường,",
            ",Nữ,1980,,,",
            "Lê Văn Tám,Không rõ,1970,abc,,Thủ lĩnh",
        ]
    )
    report = participants_import(
        exchange=exchange,
        city=net.visitor,
        by=net.visitor_secretary,
        data=data,
        filename="ds.csv",
        dry_run=False,
    )
    assert not report.committed
    joined = " | ".join(report.errors)
    assert "Row 3" in joined and "Row 4" in joined and "Row 5" in joined and "Row 2" not in joined
    assert (
        "not a year of birth" in joined and "the name is missing" in joined and "not a phone number" in joined
    )
    assert ExchangeParticipant.objects.count() == 0 and Person.objects.count() == people


def test_import_preview_then_confirm_in_windows_1258(net, exchange):
    known = PersonFactory(name="Trần Thị Lan", phone="0905 123 456", city=net.visitor)
    elsewhere = PersonFactory(name="Người Thành Phố Khác", phone="0905 999 999", city=net.host)
    rows = [
        "Ho va ten;Gioi tinh;Nam sinh;SDT;Don vi;Vai tro",
        "Trần Thị Lan;Nữ;1979;0905123456;Nhóm tiết kiệm;Trưởng nhóm tiết kiệm",
        "Võ Văn Kiệt;Nam;1965;0905999999;UBND;",
    ]
    data = encode_cp1258("\r\n".join(rows) + "\r\n")
    kwargs = {
        "exchange": exchange,
        "city": net.visitor,
        "by": net.visitor_secretary,
        "data": data,
        "filename": "ds.csv",
    }
    preview = participants_import(dry_run=True, **kwargs)
    assert preview.ok and (preview.new, preview.new_people) == (2, 1)
    assert [m.person for _row, m in preview.matches] == [known]  # not the other city's person
    assert ExchangeParticipant.objects.count() == 0
    report = participants_import(dry_run=False, **kwargs)
    assert report.committed
    people = {p.person.name: p for p in ExchangeParticipant.objects.select_related("person")}
    assert people["Trần Thị Lan"].person == known and people["Trần Thị Lan"].role == "savings_group_leader"
    assert people["Võ Văn Kiệt"].person != elsewhere and people["Võ Văn Kiệt"].person.city == net.visitor
    again = participants_import(dry_run=False, **kwargs)
    assert (again.new, again.skipped) == (0, 2)


def test_import_is_refused_for_another_citys_side(net, exchange):
    with pytest.raises(WorkflowError):
        participants_import(
            exchange=exchange,
            city=net.host,
            by=net.visitor_secretary,
            data=_csv([HEADER]),
            filename="x.csv",
            dry_run=True,
        )


def test_an_unreadable_file_is_a_clear_error(net, exchange):
    with pytest.raises(WorkflowError, match="encoding"):
        participants_import(
            exchange=exchange,
            city=net.visitor,
            by=net.visitor_secretary,
            data=b"\xff\xfe\x00\xd8garbage\x81\x8d",
            filename="x.csv",
            dry_run=True,
        )


def test_export_escapes_formula_cells_and_shows_only_own_side(net, exchange):
    services.participant_add(
        exchange=exchange,
        by=net.visitor_secretary,
        city=net.visitor,
        name='=HYPERLINK("http://x")',
        phone="+84 905 111 222",
    )
    services.participant_add(exchange=exchange, by=net.host_secretary, city=net.host, name="Chủ Nhà")
    data = participants_export(exchange=exchange, by=net.visitor_secretary, file_format="xlsx")
    # in XLSX the text stays text: a string cell, never a formula
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2))
    assert [row[0].value for row in rows] == ['=HYPERLINK("http://x")']
    assert rows[0][0].data_type == "s"
    assert rows[0][3].value == "+84 905 111 222"
    csv = participants_export(exchange=exchange, by=net.staff, file_format="csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "Chủ Nhà" in csv


def test_import_page_preview_and_confirm(net, exchange, client):
    client.force_login(net.visitor_secretary)
    url = reverse("exchanges:import_sheet", args=[exchange.pk])
    upload = io.BytesIO(_csv([HEADER, "Phan Thị Nga,Nữ,1975,0934 111 222,Hội Phụ nữ,"]))
    upload.name = "ds.csv"
    response = client.post(url, {"city": net.visitor.pk, "file": upload})
    assert response.status_code == 200 and response.context["report"].ok
    token = response.context["token"]
    assert ExchangeParticipant.objects.count() == 0
    response = client.post(
        reverse("exchanges:import_confirm", args=[exchange.pk]), {"token": token, "city": net.visitor.pk}
    )
    assert response.status_code == 302
    assert ExchangeParticipant.objects.get().person.name == "Phan Thị Nga"
    # another city's side cannot be confirmed into, even with a token
    response = client.post(
        reverse("exchanges:import_confirm", args=[exchange.pk]), {"token": token, "city": net.host.pk}
    )
    assert response.status_code == 403


def test_merging_two_people_on_one_exchange_keeps_one_row(net, exchange):
    from portal.services import person_merge

    one, two = (PersonFactory(name="Hồ Văn A", city=net.host) for _ in range(2))
    for person in (one, two):
        services.participant_add(
            exchange=exchange, by=net.host_secretary, city=net.host, name="x", phone=person.phone
        )
    assert ExchangeParticipant.objects.filter(exchange=exchange).count() == 2
    person_merge(keep=one, remove=two, by=net.staff)
    assert list(ExchangeParticipant.objects.filter(exchange=exchange).values_list("person", flat=True)) == [
        one.pk
    ]
