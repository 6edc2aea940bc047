"""Signals other apps listen to, so the portal never imports them."""

from django.dispatch import Signal

# Sent inside person_merge's transaction, before the relations to `remove` are moved to
# `keep`. Receivers `fn(sender, keep, remove, by, **kwargs)` resolve what would clash on
# their own unique constraints (e.g. both people on one training session's roster).
person_merging = Signal()
