from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views

app_urls = [
    path("my-work/", views.my_work, name="my_work"),
    path("people/duplicates/", views.people_duplicates, name="people_duplicates"),
    path("people/merge/", views.person_merge_view, name="person_merge"),
]

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include((app_urls, "portal"))),
    path("", include("proposals.urls", namespace="proposals")),
    path("training/", include("training.urls")),
    path("forums/", include("forums.urls")),
    path("exchanges/", include("exchanges.urls")),
    path("search/", include("search.urls")),
]

if settings.DEBUG:
    # `make run` serves the public media (images, training photos); private files are not
    # under MEDIA_ROOT (portal/storage.py), and this view refuses their paths all the same.
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", views.public_media),
    ]

# Wagtail serves every path not matched above: keep it last.
urlpatterns += [path("", include(wagtail_urls))]
