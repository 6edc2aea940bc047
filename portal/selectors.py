"""Read queries the portal's pages reuse."""

from django.db.models import Count, Sum

from .models import City, Community, Membership, SavingsGroup


def network_figures():
    """Headline figures for the home page, two queries whatever the size of the network."""
    cities = City.objects.filter(is_active=True).aggregate(n=Count("id"))
    communities = Community.objects.aggregate(n=Count("id"), households=Sum("households"))
    groups = SavingsGroup.objects.aggregate(
        n=Count("id"), members=Sum("members"), savings=Sum("savings_balance")
    )
    return {
        "cities": cities["n"],
        "communities": communities["n"],
        "households": communities["households"] or 0,
        "savings_groups": groups["n"],
        "savers": groups["members"] or 0,
        "savings": groups["savings"] or 0,
    }


def memberships_for_display(user):
    """A user's memberships with their places, for "My work"."""
    return (
        Membership.objects.active()
        .filter(user=user)
        .select_related("city", "ward__city", "community__ward__city")
        .order_by("role")
    )
