from django.core.management.base import BaseCommand

from portal.services import PROGRAMME_STAFF_GROUP, programme_staff_group_sync


class Command(BaseCommand):
    help = (
        f'Create or update the "{PROGRAMME_STAFF_GROUP}" Wagtail admin group: admin access, every '
        "permission on the portal's own models, pages, documents and images. Run after deploying "
        "a new app; add staff users to the group in the admin."
    )

    def handle(self, *args, **options):
        group = programme_staff_group_sync()
        self.stdout.write(f'"{group.name}": {group.permissions.count()} permissions.')
