"""E-mail after a transition commits, for every registered workflow: to the people who can act
next and to the record's owners. A receiver of `transition_committed` queues the work with
django-tasks (the database queue outside tests), so a mail server that is down never turns a
done action into an error; the task logs each failure and retries."""

import contextlib
import logging
import re

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage
from django.dispatch import receiver
from django.template.loader import select_template
from django.utils import translation
from django.utils.text import Truncator

from portal.permissions import users_with_role
from portal.text import display_name

from .engine import NOTIFY, transition_committed, workflow_for

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def muted():
    """No transition mail for transitions fired in this block (demo data, bulk scripts), even
    when their transaction commits after the block has ended."""
    token = NOTIFY.set(False)
    try:
        yield
    finally:
        NOTIFY.reset(token)


def recipients(obj, *, by=None):
    """(actors, owners): users who may act on obj now, and the owners told of every decision.
    Each comes with an e-mail address; the user who acted is left out."""
    wf = workflow_for(obj)
    actor_roles = wf.next_actor_roles(obj) - set(wf.owner_roles)
    actors = set(users_with_role(obj, actor_roles).exclude(email="")) if actor_roles else set()
    owners = set(users_with_role(obj, wf.owner_roles).exclude(email="")) if wf.owner_roles else set()
    if by is not None:
        actors.discard(by)
        owners.discard(by)
    return actors, owners


def language_of(user):
    """The recipient's own language: their profile's preference, Vietnamese by default."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.objects.filter(user=user).only("preferred_language").first()
    code = profile.preferred_language if profile else ""
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def safe_subject(text, limit=150):
    """One line of plain text: no line breaks (a title may carry them), collapsed spaces."""
    return Truncator(re.sub(r"\s+", " ", str(text)).strip()).chars(limit)


def _templates(obj, part):
    meta = obj._meta
    return select_template(
        [
            f"{meta.app_label}/email/{meta.model_name}_transition_{part}.txt",
            f"workflows/email/transition_{part}.txt",
        ]
    )


def build_message(obj, *, user, name, by, comment, can_act, target=None):
    wf = workflow_for(obj)
    with translation.override(language_of(user)):
        context = {
            "object": obj,
            "kind": wf.label,
            "action": wf.transition_label(name),
            "state": wf.state_label(target if target is not None else wf.state_of(obj)),
            "by": display_name(by) if by is not None else "",
            "comment": comment,
            "url": settings.PORTAL_BASE_URL.rstrip("/") + obj.get_absolute_url(),
            "user": user,
            "can_act": can_act,
        }
        subject = safe_subject(_templates(obj, "subject").render(context))
        body = _templates(obj, "body").render(context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


@receiver(transition_committed, dispatch_uid="workflows_queue_transition_mail")
def queue_transition_mail(sender, instance, name, target, by, comment="", notify=True, **kwargs):
    if not notify:
        return
    from .tasks import send_transition_mail

    send_transition_mail.enqueue(
        model=instance._meta.label_lower,
        pk=instance.pk,
        name=name,
        target=str(target),
        by_id=getattr(by, "pk", None),
        comment=comment,
    )


def load(model, pk):
    return apps.get_model(model)._default_manager.filter(pk=pk).first()


__all__ = ["build_message", "language_of", "muted", "recipients", "safe_subject"]
