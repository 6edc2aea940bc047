from django.conf import settings

from .my_work import nav_items


def portal(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "nav_items": nav_items(user) if user is not None and user.is_authenticated else [],
    }
