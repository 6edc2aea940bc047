"""factory_boy factories for the portal's geography, people and users."""

import factory
from django.contrib.auth import get_user_model

from portal.models import City, Community, Person, Province, SavingsGroup, Ward
from portal.services import membership_grant


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Tỉnh {n}")
    region = Province.Region.CENTRAL


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City

    province = factory.SubFactory(ProvinceFactory)
    name = factory.Sequence(lambda n: f"Thành phố {n}")
    cdf_member_since = 2010


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"Phường {n}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    ward = factory.SubFactory(WardFactory)
    name = factory.Sequence(lambda n: f"Khối {n}")
    households = 120
    population = 480


class SavingsGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavingsGroup

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"Nhóm tiết kiệm {n}")
    members = 30
    savings_balance = 15_000_000


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Nguyễn Thị Lan {n}")
    gender = Person.Gender.FEMALE
    year_of_birth = 1980
    phone = factory.Sequence(lambda n: f"0912{n:06d}")
    city = factory.SubFactory(CityFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role, place=None, **kwargs):
    """A user holding `role` over `place` (a City, Ward or Community; None = national),
    granted through the real service."""
    user = UserFactory(**kwargs)
    scope = {}
    if place is not None:
        scope = {type(place).__name__.lower(): place}
    membership_grant(user=user, role=role, **scope)
    return user
