# Report photos move to private storage (names under documents/), served only by the session's
# photo view. Photos saved before are moved there too, so no photo stays under /media/.

from django.db import migrations, models


def move_photos_to_private_storage(apps, schema_editor):
    from django.core.files.storage import default_storage

    from portal.storage import is_private

    SessionPhoto = apps.get_model("training", "SessionPhoto")
    for photo in SessionPhoto.objects.exclude(image__startswith="documents/").iterator():
        old = photo.image.name
        if not old or is_private(old) or not default_storage.exists(old):
            continue
        with default_storage.open(old, "rb") as source:
            new = default_storage.save(f"documents/{old}", source)
        SessionPhoto.objects.filter(pk=photo.pk).update(image=new)
        default_storage.delete(old)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sessionphoto",
            name="image",
            field=models.ImageField(upload_to="documents/training/photos/%Y/", verbose_name="photo"),
        ),
        migrations.RunPython(move_photos_to_private_storage, migrations.RunPython.noop),
    ]
