"""A big session's roster: 170 people with Vietnamese names (10 family names x 5 middle names
x 13 given names, all distinct). Written in bulk: the services' per-person checks are tested
elsewhere, and 170 calls would make every roster test slow."""

from portal.models import Person
from portal.text import fold, normalize_phone
from training.models import Attendance

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Thị", "Văn", "Đức", "Thanh", "Minh"]
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Hường", "Lan", "Mai", "Nga", "Phượng", "Quỳnh", "Sơn", "Tư", "Yến"]


def big_roster(session, n=170):
    people = []
    for i in range(n):
        name = f"{FAMILY[i % 10]} {MIDDLE[(i // 10) % 5]} {GIVEN[i % 13]}"
        phone = f"0914{session.pk:03d}{i:03d}"
        people.append(
            Person(
                name=name,
                name_folded=fold(name),
                gender="female" if i % 3 else "male",
                phone=phone,
                phone_normalized=normalize_phone(phone),
                organisation="Hội Phụ nữ phường Bến Thủy",
                year_of_birth=1960 + i % 40,
                city=session.city,
            )
        )
    people = Person.objects.bulk_create(people)
    return Attendance.objects.bulk_create(
        [Attendance(session=session, person=p, role=Person.NetworkRole.COMMUNITY_MEMBER) for p in people]
    )
