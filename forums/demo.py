"""Demo forums: the forums the programme's documents name (community forums in 6 cities,
intra- and inter-city forums, the regional urban poor forum, the annual national workshops of
CDF cities, the Vietnam Urban Forum), three years of meetings with Vietnamese minutes (some
also in English) in every state of the publication workflow, decisions and issues raised to
ministries and the VUF with their answers, action items (some overdue), and attachments: a
real PDF with a text layer, a scanned PDF without one, and a Word file.

Everything goes through the services, with no e-mail. Idempotent: forums are keyed by name,
meetings by forum, date and title, minutes by meeting and language; a rerun adds nothing.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from portal.models import City
from workflows.notifications import muted

from . import samples, services
from .models import (
    MINUTES_WORKFLOW,
    ActionItem,
    Decision,
    Forum,
    Meeting,
    Minutes,
    MinutesAttachment,
    Publication,
)

L = Forum.Level
COMMUNITY_CITIES = ["Vinh", "Việt Trì", "Hải Dương", "Tam Kỳ", "Quy Nhơn", "Cà Mau"]

FORUMS = [
    *(
        (
            f"Diễn đàn cộng đồng {city}",
            L.COMMUNITY,
            [city],
            False,
            "Diễn đàn của các trưởng nhóm cộng đồng trong thành phố.",
        )
        for city in COMMUNITY_CITIES
    ),
    (
        "Diễn đàn nội thành Vinh",
        L.INTRA_CITY,
        ["Vinh"],
        False,
        "Các phường của Vinh gặp nhau về cải tạo đô thị.",
    ),
    ("Diễn đàn nội thành Quy Nhơn", L.INTRA_CITY, ["Quy Nhơn"], False, ""),
    (
        "Diễn đàn liên thành phố miền Trung",
        L.INTER_CITY,
        ["Vinh", "Hà Tĩnh", "Đồng Hới", "Tam Kỳ", "Quy Nhơn"],
        False,
        "Trao đổi giữa các thành phố CDF miền Trung.",
    ),
    ("Diễn đàn liên thành phố miền Bắc", L.INTER_CITY, ["Việt Trì", "Hải Dương", "Lào Cai"], False, ""),
    (
        "Diễn đàn người nghèo đô thị khu vực",
        L.REGIONAL,
        ["Vinh", "Quy Nhơn", "Cà Mau"],
        False,
        "Diễn đàn khu vực của người nghèo đô thị, có sự tham gia của các nhà hoạch định chính sách.",
    ),
    (
        "Hội thảo toàn quốc các thành phố CDF",
        L.NATIONAL_WORKSHOP,
        [],
        True,
        "Hội thảo hằng năm của mạng lưới CDF.",
    ),
    ("Diễn đàn Đô thị Việt Nam", L.VUF, [], True, "Diễn đàn Đô thị Việt Nam (VUF)."),
]

BODY_VI = (
    "<h2>Thành phần</h2><p>Đại diện các nhóm tiết kiệm, cán bộ phường, Ban điều hành Quỹ Phát triển "
    "Cộng đồng {city}.</p><h2>Nội dung</h2><ol>"
    "<li>Báo cáo tiến độ khảo sát và lập bản đồ cộng đồng năm {year}.</li>"
    "<li>Tình hình cho vay quay vòng: {households} hộ đã vay, tỷ lệ hoàn trả 96%.</li>"
    "<li>Đề xuất bê tông hóa ngõ xóm và cải tạo hệ thống thoát nước.</li></ol>"
    "<h2>Kết luận</h2><p>Diễn đàn thống nhất kiến nghị thành phố đóng góp ngân sách cho Quỹ và đề nghị "
    "đưa vấn đề đất ở của các hộ nghèo ven sông lên Bộ Xây dựng.</p>"
)
BODY_EN = (
    "<h2>Participants</h2><p>Savings group leaders, ward officers and the board of the {city} Community "
    "Development Fund.</p><h2>Discussion</h2><ol><li>Progress of the {year} community mapping.</li>"
    "<li>Revolving loans: {households} households borrowed; 96% repaid on time.</li>"
    "<li>Proposals for alley paving and drainage.</li></ol><h2>Conclusion</h2><p>The forum asks the city to "
    "contribute to the fund and to raise the land tenure of riverside households with the Ministry of "
    "Construction.</p>"
)
ISSUES = [
    (
        Decision.AddressedTo.MINISTRY,
        "Bộ Xây dựng",
        "Hộ nghèo ven sông chưa có giấy chứng nhận quyền sử dụng đất nên không được cấp phép sửa nhà.",
        "Bộ đã có văn bản hướng dẫn UBND tỉnh xem xét cấp phép tạm cho các hộ đang ở ổn định.",
    ),
    (
        Decision.AddressedTo.MINISTRY,
        "Bộ Lao động – Thương binh và Xã hội",
        "Đề nghị công nhận nhóm tiết kiệm cộng đồng là kênh hỗ trợ giảm nghèo đô thị.",
        "",
    ),
    (
        Decision.AddressedTo.VUF,
        "Diễn đàn Đô thị Việt Nam",
        "Đưa quy hoạch có sự tham gia của cộng đồng vào chương trình nâng cấp đô thị quốc gia.",
        "VUF đưa nội dung vào phiên thảo luận về quy hoạch có sự tham gia năm sau.",
    ),
    (
        Decision.AddressedTo.PROVINCE,
        "UBND tỉnh",
        "Bố trí ngân sách tỉnh đóng góp cho Quỹ Phát triển Cộng đồng.",
        "",
    ),
]
ACTIONS = [
    "Hoàn thành bản đồ cộng đồng của các phường còn lại",
    "Gửi văn bản kiến nghị lên Bộ Xây dựng",
    "Tổ chức trao đổi kinh nghiệm tiết kiệm với thành phố bạn",
]
# (forum level, month, day) of the meetings held each year
SCHEDULE = {
    L.COMMUNITY: [(3, 12), (9, 20)],
    L.INTRA_CITY: [(5, 8)],
    L.INTER_CITY: [(6, 18)],
    L.REGIONAL: [(10, 5)],
    L.NATIONAL_WORKSHOP: [(12, 10)],
    L.VUF: [(11, 15)],
}
YEARS = (2014, 2015, 2016)
HOSTS = {L.NATIONAL_WORKSHOP: "Vinh", L.VUF: None}


def _users():
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["staff", "city", "secretary"])}
    return users.get("staff"), users.get("city") or users.get("secretary")


def seed_forums(staff):
    cities = {c.name: c for c in City.objects.all()}
    forums = []
    for name, level, city_names, whole, description in FORUMS:
        forum = Forum.objects.filter(name=name).first()
        if forum is None:
            forum = services.forum_create(
                by=staff,
                name=name,
                level=level,
                cities=[cities[n] for n in city_names if n in cities],
                whole_network=whole,
                description=description,
            )
        forums.append(forum)
    return forums


def _state_for(index, year, forum_pk):
    """A spread of states: old minutes published (a few archived), recent ones published, in
    review or still drafts."""
    if year < 2016:
        return Publication.ARCHIVED if index % 7 == 3 else Publication.PUBLISHED
    return [Publication.PUBLISHED, Publication.PENDING, Publication.DRAFT][(index + forum_pk) % 3]


def _walk(minutes, target, author, staff):
    for name in MINUTES_WORKFLOW.path_to(target):
        actor = author if name == "submit_for_review" else staff
        minutes = services.minutes_transition(minutes=minutes, name=name, by=actor, comment="")
    return minutes


def seed_meetings(forums, staff, vinh_author):
    cities = {c.name: c for c in City.objects.all()}
    today = timezone.localdate()
    index = 0
    created = 0
    for forum in forums:
        forum_cities = list(forum.cities.order_by("name_folded"))
        host_name = HOSTS.get(forum.level, forum_cities[0].name if forum_cities else None)
        host = cities.get(host_name) if host_name else None
        for year in YEARS:
            for month, day in SCHEDULE[forum.level]:
                index += 1
                date = datetime.date(year, month, day)
                title = f"{forum.name} — kỳ {month}/{year}"
                if Meeting.objects.filter(forum=forum, date=date, title=title).exists():
                    continue
                created += 1
                women, men = 18 + index % 11, 9 + index % 7
                meeting = services.meeting_create(
                    by=staff,
                    forum=forum,
                    title=title,
                    date=date,
                    venue=f"Hội trường UBND {host.name}" if host else "Trung tâm Hội nghị Quốc gia, Hà Nội",
                    host_city=host,
                    cities=forum_cities,
                    agenda="1. Báo cáo tiến độ\n2. Thảo luận các kiến nghị\n3. Kế hoạch kỳ tới",
                    participants_female=women,
                    participants_male=men,
                    participants_community=women + men - 6,
                    participants_government=4,
                    participants_other=2,
                )
                author = vinh_author if host and host.name == "Vinh" and vinh_author else staff
                city_name = host.name if host else "Việt Nam"
                minutes = services.minutes_create(
                    meeting=meeting,
                    by=author,
                    body=BODY_VI.format(city=city_name, year=year, households=40 + index),
                    is_public=index % 2 == 0,
                )
                state = _state_for(index, year, forum.pk)
                if index % 4 == 0:
                    services.minutes_update(
                        minutes=minutes,
                        by=author,
                        body=minutes.body + "<p>Bổ sung: danh sách hộ vay được cập nhật sau cuộc họp.</p>",
                    )
                if index % 5 == 0:
                    english = services.minutes_create(
                        meeting=meeting,
                        by=author,
                        language=Minutes.Language.ENGLISH,
                        body=BODY_EN.format(city=city_name, year=year, households=40 + index),
                        is_public=index % 2 == 0,
                    )
                    _walk(
                        english, Publication.PUBLISHED if state != Publication.DRAFT else state, author, staff
                    )
                _walk(minutes, state, author, staff)
                addressed_to, addressee, text, answer = ISSUES[index % len(ISSUES)]
                issue = services.decision_add(
                    meeting=meeting, by=staff, kind=Decision.Kind.ISSUE, text=text, addressed_to=addressed_to,
                    addressee=addressee, raised_on=date,
                )  # fmt: skip
                if answer and year < 2016:
                    services.decision_answer(
                        decision=issue,
                        by=staff,
                        status=Decision.Status.RESOLVED if index % 3 == 0 else Decision.Status.ANSWERED,
                        answer=answer,
                        answered_on=date + datetime.timedelta(days=60),
                    )
                services.decision_add(
                    meeting=meeting,
                    by=staff,
                    kind=Decision.Kind.DECISION,
                    text="Thống nhất kế hoạch hoạt động kỳ tới và phân công các thành phố thực hiện.",
                )
                owner = forum_cities[index % len(forum_cities)] if forum_cities else host or cities["Vinh"]
                # 2016's items are open, due around today (some overdue): what "My work" shows
                due = (
                    date + datetime.timedelta(days=90)
                    if year < 2016
                    else today + datetime.timedelta(days=(index % 5) * 10 - 20)
                )
                item = services.action_item_add(
                    meeting=meeting,
                    by=staff,
                    text=ACTIONS[index % len(ACTIONS)],
                    due_on=due,
                    owner_city=owner,
                )
                if year < 2016 and index % 3:
                    services.action_item_update(
                        item=item, by=staff, status=ActionItem.Status.DONE, done_on=due
                    )
    return created


def seed_attachments(staff):
    """The Vinh community forum's first meetings get a signed PDF with a text layer, a scanned
    PDF and a Word annex (attached while the minutes may still be edited: as staff on drafts;
    published demo minutes were attached before, so this runs on a draft, then publishes)."""
    forum = Forum.objects.get(name="Diễn đàn cộng đồng Vinh")
    meeting = forum.meetings.order_by("date").first()
    if meeting is None:
        return
    minutes = meeting.minutes.filter(language="vi").first()
    if minutes is None or minutes.attachments.exists():
        return
    files = [
        (
            "bien-ban-ky-3-2014.pdf",
            samples.text_pdf(
                [
                    "BIEN BAN DIEN DAN CONG DONG VINH - ky 3/2014",
                    "Thanh phan: dai dien 12 nhom tiet kiem, can bo phuong, Ban dieu hanh Quy CDF Vinh.",
                    "Ket luan: kien nghi thanh pho dong gop ngan sach cho Quy Phat trien Cong dong.",
                    "Kien nghi Bo Xay dung xem xet cap phep sua nha cho ho ngheo ven song.",
                ]
            ),
            MinutesAttachment.Kind.SIGNED,
        ),
        ("bien-ban-scan.pdf", samples.scanned_pdf(), MinutesAttachment.Kind.SIGNED),
        (
            "phu-luc-danh-sach-de-xuat.docx",
            samples.docx(["Phụ lục: danh sách đề xuất cải tạo", "Ngõ 12 khối 7: bê tông hóa 150 m"]),
            MinutesAttachment.Kind.DOCUMENT,
        ),
    ]
    state = minutes.state
    if state != Publication.DRAFT:
        minutes = services.minutes_transition(
            minutes=minutes, name="send_back", by=staff, comment="Bổ sung biên bản có chữ ký."
        )
    for name, data, kind in files:
        services.minutes_attach(minutes=minutes, by=staff, name=name, data=data, kind=kind)
    if state in (Publication.PUBLISHED, Publication.ARCHIVED):
        _walk(minutes, Publication.PUBLISHED, staff, staff)


def seed(stdout=None):
    staff, vinh_author = _users()
    if staff is None:
        return []
    with muted():
        forums = seed_forums(staff)
        created = seed_meetings(forums, staff, vinh_author)
        seed_attachments(staff)
    if stdout is not None:
        stdout.write(f"Forums: {len(forums)} forums, {created} new meetings.")
    return []
