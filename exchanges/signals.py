"""Exchanges' answer to portal's person merge: one person twice on one exchange becomes one."""

from django.dispatch import receiver

from portal.signals import person_merging

from .models import ExchangeParticipant


@receiver(person_merging, dispatch_uid="exchanges_person_merging")
def merge_participants(sender, keep, remove, **kwargs):
    """Where both people took part in the same exchange, keep `keep`'s row and drop
    `remove`'s (portal then re-points the rest)."""
    kept = ExchangeParticipant.objects.filter(person=keep).values("exchange_id")
    ExchangeParticipant.objects.filter(person=remove, exchange_id__in=kept).delete()
