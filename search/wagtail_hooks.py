""" "Search" in the portal's menu, for logged-in users."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from portal.my_work import NavItem


@hooks.register("portal_nav_items")
def search_nav(user):
    if not user.is_authenticated:
        return []
    return [NavItem(label=_("Search"), url=reverse("search:page"), order=90)]
