from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .my_work import my_work_panels
from .selectors import memberships_for_display


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
