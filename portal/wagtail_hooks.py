"""The network's records in the Wagtail admin, for programme staff."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from .admin_exports import SafeExportSnippetViewSet
from .models import City, Community, Membership, Person, Province, Role, SavingsGroup, Ward
from .my_work import NavItem
from .permissions import user_has_role


class ProvinceViewSet(SafeExportSnippetViewSet):
    model = Province
    icon = "site"
    list_display = ["name", "region"]
    list_filter = ["region"]
    search_fields = ["name", "name_folded"]


class CityViewSet(SafeExportSnippetViewSet):
    model = City
    icon = "home"
    list_display = ["name", "province", "cdf_member_since", "is_active"]
    list_filter = ["is_active", "province__region"]
    search_fields = ["name", "name_folded"]
    list_export = ["name", "province", "cdf_member_since", "is_active"]

    def get_queryset(self, request):
        return City.objects.select_related("province")


class WardViewSet(SafeExportSnippetViewSet):
    model = Ward
    icon = "group"
    list_display = ["name", "city"]
    list_filter = ["city"]
    search_fields = ["name", "name_folded"]

    def get_queryset(self, request):
        return Ward.objects.select_related("city")


class CommunityViewSet(SafeExportSnippetViewSet):
    model = Community
    icon = "group"
    list_display = ["name", "ward", "households", "population"]
    list_filter = ["ward__city"]
    search_fields = ["name", "name_folded"]
    list_export = ["name", "ward", "households", "population"]

    def get_queryset(self, request):
        return Community.objects.select_related("ward")


class SavingsGroupViewSet(SafeExportSnippetViewSet):
    model = SavingsGroup
    icon = "pick"
    list_display = ["name", "community", "founded", "members", "savings_balance"]
    list_filter = ["community__ward__city"]
    search_fields = ["name", "name_folded"]
    list_export = ["name", "community", "founded", "members", "savings_balance"]

    def get_queryset(self, request):
        return SavingsGroup.objects.select_related("community")


class PersonViewSet(SafeExportSnippetViewSet):
    model = Person
    icon = "user"
    list_display = ["name", "gender", "year_of_birth", "city", "organisation", "network_role"]
    list_filter = ["gender", "network_role", "city"]
    search_fields = ["name", "name_folded", "phone", "organisation"]
    list_export = ["name", "gender", "year_of_birth", "phone", "city", "organisation", "network_role"]

    def get_queryset(self, request):
        return Person.objects.select_related("city")


class MembershipViewSet(SafeExportSnippetViewSet):
    model = Membership
    icon = "lock"
    list_display = ["user", "role", "scope_label", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__email"]
    list_export = ["user", "role", "scope_label", "is_active"]

    def get_queryset(self, request):
        return Membership.objects.select_related("user", "city", "ward", "community")


class NetworkGroup(SnippetViewSetGroup):
    menu_label = _("Network")
    menu_icon = "site"
    menu_order = 200
    items = (
        ProvinceViewSet,
        CityViewSet,
        WardViewSet,
        CommunityViewSet,
        SavingsGroupViewSet,
        PersonViewSet,
        MembershipViewSet,
    )


register_snippet(NetworkGroup)


@hooks.register("portal_nav_items")
def people_nav(user):
    if user_has_role(user, Role.PROGRAMME_STAFF):
        return [NavItem(label=_("Duplicate people"), url=reverse("portal:people_duplicates"), order=90)]
    return []
