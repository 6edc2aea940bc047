"""E-mail after a transition commits: to the people who can act next, and to the community
on every decision. Runs from `transaction.on_commit`, so a rolled-back action sends nothing."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from portal.models import Membership
from portal.text import display_name

from .engine import Guard, workflow_for


def _covering(obj, roles):
    """Users holding any of `roles` over obj (their scope is obj's community, ward, city or
    the whole network): one query."""
    city = obj.community.ward.city_id
    places = (
        Q(community_id=obj.community_id)
        | Q(ward_id=obj.community.ward_id)
        | Q(city_id=city)
        | Q(community__isnull=True, ward__isnull=True, city__isnull=True)
    )
    user_ids = Membership.objects.active().filter(places, role__in=roles).values("user_id")
    return get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")


def next_actor_roles(obj):
    """Roles that may fire some transition from obj's current state (policy conditions and
    business conditions applied)."""
    wf = workflow_for(obj)
    state = wf.state_of(obj)
    roles = set()
    for source, t in wf.transitions():
        if source != state or not isinstance(t.permission, Guard):
            continue
        if not all(condition(obj) for condition in t.conditions):
            continue
        for allow in t.permission.allows:
            if allow.when is None or allow.when(obj):
                roles.update(allow.roles)
    return roles


def transition_done(obj, *, name, by, comment=""):
    wf = workflow_for(obj)
    actors = set(_covering(obj, next_actor_roles(obj) - set(wf.owner_roles)))
    owners = set(_covering(obj, wf.owner_roles))
    recipients = (actors | owners) - {by}
    if not recipients:
        return 0
    url = settings.PORTAL_BASE_URL.rstrip("/") + reverse("workflows:proposal_detail", args=[obj.pk])
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for user in sorted(recipients, key=lambda u: u.pk):
            context = {
                "proposal": obj,
                "action": wf.transition_label(name),
                "state": wf.state_label(wf.state_of(obj)),
                "by": display_name(by),
                "comment": comment,
                "url": url,
                "user": user,
                "can_act": user in actors,
            }
            subject = render_to_string("workflows/email/transition_subject.txt", context).strip()
            body = render_to_string("workflows/email/transition_body.txt", context)
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    return send_mass_mail(messages, fail_silently=False)
