"""What of a proposal is searchable (see `portal/searchable.py`); who finds it is the proposal
workflow's `visible_q`: a draft only by its community."""

from django.utils import timezone
from wagtail import hooks

from portal.searchable import HOOK, Searchable

from .models import Proposal, ProposalAttachment


def _text(p):
    yield p.get_category_display()
    yield p.description
    yield p.location
    yield p.completion_note
    yield p.community.name
    yield p.community.ward.name
    yield p.community.ward.city.name
    for attachment in p.attachments.all():
        yield attachment.document.title


PROPOSALS = Searchable(
    model=Proposal,
    type="proposal",
    title=lambda p: p.title,
    text=_text,
    date=lambda p: timezone.localtime(p.created_at).date() if p.created_at else None,
    city=lambda p: p.community.ward.city,
    url=lambda p: p.get_absolute_url(),
    related=("community__ward__city",),
    prefetch=("attachments__document",),
    depends_on={ProposalAttachment: lambda a: [a.proposal]},
    order=30,
)


@hooks.register(HOOK)
def searchable():
    return PROPOSALS
