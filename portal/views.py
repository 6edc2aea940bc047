from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language

from .forms import PersonMergeForm
from .models import Role
from .my_work import my_work_panels
from .permissions import user_has_role
from .selectors import memberships_for_display, person_duplicate_groups, person_related_counts
from .services import PersonMergeError, person_merge, user_language_set


def set_language(request):
    """Django's language switch; for a logged-in user the choice is also kept as their
    preference, so e-mail about their records comes in that language."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        user_language_set(user=request.user, language=language)
    return response


@login_required
def my_work(request):
    return render(
        request,
        "portal/my_work.html",
        {
            "memberships": memberships_for_display(request.user),
            "panels": my_work_panels(request.user),
        },
    )


def _require_programme_staff(user):
    if not user_has_role(user, Role.PROGRAMME_STAFF):
        raise PermissionDenied


@login_required
def people_duplicates(request):
    """Staff: likely duplicate people, each group with links to merge two of them."""
    _require_programme_staff(request.user)
    return render(request, "portal/people_duplicates.html", {"groups": person_duplicate_groups()})


@login_required
def person_merge_view(request):
    """Staff: compare two people and merge the second into the first, keeping all records."""
    _require_programme_staff(request.user)
    source = request.POST if request.method == "POST" else request.GET
    form = PersonMergeForm(source or None)
    context = {"form": form}
    if form.is_valid():
        keep, remove = form.cleaned_data["keep"], form.cleaned_data["remove"]
        if request.method == "POST" and "confirm" in request.POST:
            try:
                person, moved = person_merge(keep=keep, remove=remove, by=request.user)
            except PersonMergeError as exc:
                messages.error(request, str(exc))
            else:
                summary = ", ".join(f"{n} {what}" for what, n in moved.items()) or _("no records")
                messages.success(
                    request,
                    _("Merged into %(name)s; moved %(summary)s.") % {"name": person.name, "summary": summary},
                )
                return redirect("portal:people_duplicates")
        context.update(
            keep=keep,
            remove=remove,
            keep_counts=person_related_counts(keep),
            remove_counts=person_related_counts(remove),
        )
    return render(request, "portal/person_merge.html", context)


def public_media(request, path):
    """MEDIA_ROOT in development (DEBUG): public files only, never a private path, even one
    left there by an older version."""
    from django.conf import settings
    from django.views.static import serve

    from .storage import is_private

    if is_private(path):
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)
