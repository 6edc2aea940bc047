"""Write actions of the portal: memberships, the programme staff admin group, and the people
registry (matching new entries to existing people, merging duplicates)."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from .models import Membership, Person, Role
from .permissions import forget_memberships, user_has_role
from .selectors import person_find_match
from .signals import person_merging

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


class PersonMergeError(Exception):
    """A merge that cannot be done; the message says why."""


@transaction.atomic
def person_match_or_create(
    *,
    name,
    gender="",
    phone="",
    year_of_birth=None,
    city=None,
    organisation="",
    network_role="",
    among=None,
    within=None,
    accept=None,
):
    """The person a new entry stands for: an existing one when person_find_match finds them
    (returned with the match, so the caller can say who and why), else a new one. `within`:
    the people the acting user covers (`people_in_scope`); nobody outside it is matched.
    `accept` narrows the candidates further, person by person (see PersonMatcher.match)."""
    match = person_find_match(
        name=name,
        phone=phone,
        year_of_birth=year_of_birth,
        city=city,
        among=among,
        within=within,
        accept=accept,
    )
    if match is not None:
        return match.person, match
    person = Person(
        name=" ".join(name.split()),
        gender=gender,
        phone=phone.strip(),
        year_of_birth=year_of_birth,
        city=city,
        organisation=organisation.strip(),
        network_role=network_role or Person.NetworkRole.COMMUNITY_MEMBER,
    )
    person.full_clean()
    person.save()
    return person, None


_FILLABLE = ("gender", "year_of_birth", "phone", "city", "community", "organisation")


@transaction.atomic
def person_merge(*, keep, remove, by):
    """Fold `remove` into `keep`: every record pointing at `remove` (found generically through
    Person._meta.related_objects) then points at `keep`, `keep`'s blank details are filled
    from `remove`, and `remove` is deleted. Apps whose unique constraints would clash listen
    to `portal.signals.person_merging` and resolve them first. Programme staff only."""
    if not user_has_role(by, Role.PROGRAMME_STAFF):
        raise PersonMergeError(_("Only programme staff can merge people."))
    if keep.pk == remove.pk:
        raise PersonMergeError(_("Choose two different people."))
    locked = Person.objects.select_for_update().in_bulk([keep.pk, remove.pk])
    if len(locked) != 2:
        raise PersonMergeError(_("One of the two people no longer exists."))
    keep, remove = locked[keep.pk], locked[remove.pk]
    if keep.user_id and remove.user_id:
        raise PersonMergeError(_("Both people have a portal login; deactivate one first."))
    person_merging.send(sender=Person, keep=keep, remove=remove, by=by)
    try:
        moved = _repoint_relations(keep, remove)
    except IntegrityError as exc:
        # An app's unique constraint that no person_merging receiver resolved.
        raise PersonMergeError(
            _("These two people cannot be merged automatically: %(error)s") % {"error": exc}
        ) from exc
    for field in _FILLABLE:
        if not getattr(keep, field) and getattr(remove, field):
            setattr(keep, field, getattr(remove, field))
    user = remove.user if remove.user_id else None
    if keep.community_id and keep.city_id and keep.community.ward.city_id != keep.city_id:
        keep.community = None
    remove.delete()
    if user is not None:
        keep.user = user
    keep.full_clean()
    keep.save()
    return keep, moved


def _repoint_relations(keep, remove):
    moved = {}
    for rel in Person._meta.related_objects:
        if rel.many_to_many:
            through = rel.through._default_manager
            own = rel.field.m2m_reverse_field_name()
            other = rel.field.m2m_field_name()
            already = through.filter(**{own: keep}).values(other)
            through.filter(**{own: remove, f"{other}__in": already}).delete()
            n = through.filter(**{own: remove}).update(**{own: keep})
        else:
            manager = rel.related_model._default_manager
            if rel.one_to_one and manager.filter(**{rel.field.name: keep}).exists():
                if manager.filter(**{rel.field.name: remove}).exists():
                    raise PersonMergeError(
                        _("Both people have a %(what)s; resolve it first.")
                        % {"what": rel.related_model._meta.verbose_name}
                    )
                continue
            n = manager.filter(**{rel.field.name: remove}).update(**{rel.field.name: keep})
        if n:
            moved[str(rel.related_model._meta.verbose_name_plural)] = n
    return moved


def user_language_set(*, user, language):
    """Keep the user's language (Wagtail's profile preference, also used by the admin)."""
    from wagtail.users.models import UserProfile

    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    UserProfile.objects.update_or_create(user=user, defaults={"preferred_language": language})
