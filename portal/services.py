"""Write actions of the portal: memberships and the programme staff admin group."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from .models import Membership
from .permissions import forget_memberships

PROGRAMME_STAFF_GROUP = "Programme staff"


@transaction.atomic
def membership_grant(*, user, role, city=None, ward=None, community=None) -> Membership:
    """Give `user` a scoped role; validated like the admin form. Idempotent."""
    membership = Membership.objects.filter(
        user=user, role=role, city=city, ward=ward, community=community
    ).first()
    if membership is None:
        membership = Membership(user=user, role=role, city=city, ward=ward, community=community)
        membership.full_clean()
        membership.save()
    elif not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    forget_memberships(user)
    return membership


@transaction.atomic
def programme_staff_group_sync() -> Group:
    """The Wagtail admin group for programme staff: admin access, every permission on the
    portal's own apps' models, editing and publishing of all pages, documents and images.
    Run after adding an app (seed_demo runs it) so the group keeps up with new models."""
    group, _ = Group.objects.get_or_create(name=PROGRAMME_STAFF_GROUP)
    local_labels = [apps.get_app_config(name.rsplit(".", 1)[-1]).label for name in settings.LOCAL_APPS]
    permissions = Permission.objects.filter(
        content_type__app_label__in=local_labels
    ) | Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    group.permissions.add(*permissions)
    root = Page.get_first_root_node()
    if root is not None:
        for codename in ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"):
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root,
                permission=Permission.objects.get(content_type__app_label="wagtailcore", codename=codename),
            )
    collection = Collection.get_first_root_node()
    if collection is not None:
        for app_label, codename in (
            ("wagtaildocs", "add_document"),
            ("wagtaildocs", "change_document"),
            ("wagtaildocs", "choose_document"),
            ("wagtailimages", "add_image"),
            ("wagtailimages", "change_image"),
            ("wagtailimages", "choose_image"),
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=collection,
                permission=Permission.objects.get(content_type__app_label=app_label, codename=codename),
            )
    return group
