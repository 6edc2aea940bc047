"""Report photos are private: stored where no URL maps to, sent only to who may view the
session, and checked (type, real content, size) before anything is saved."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from portal.models import Role
from tests.factories import CityFactory, user_with_role
from training.models import SessionPhoto

from . import factories


def png(name="lop-hoc.png", size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def held(db):
    return factories.session_with_trainer(days=1)


def post_report(client, session, photo):
    return client.post(
        reverse("training:session_report", args=[session.pk]),
        {"topics_covered": "Sổ quỹ", "notes": "", "photo": photo, "caption": "Cả lớp"},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_photo_is_stored_privately_and_sent_only_to_readers(client, held):
    session, trainer = held
    client.force_login(trainer)
    assert post_report(client, session, png()).status_code == 302
    photo = SessionPhoto.objects.get(session=session)
    assert photo.image.name.startswith("documents/training/photos/")
    assert (settings.PRIVATE_MEDIA_ROOT / photo.image.name).exists()
    assert not (settings.MEDIA_ROOT / photo.image.name).exists()

    url = reverse("training:session_photo", args=[session.pk, photo.pk])
    page = client.get(reverse("training:session_report", args=[session.pk])).content.decode()
    assert f'src="{url}"' in page and "/media/" not in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"].startswith("private")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (8, 8)

    # a trainer of another city, and the public, get nothing
    client.force_login(user_with_role(Role.TRAINER, CityFactory()))
    assert client.get(url).status_code in (403, 404)
    client.logout()
    assert client.get(url).status_code == 302
    # nor does the photo's name under /media/ (the DEBUG server of `make run` serves MEDIA_ROOT)
    assert client.get(f"{settings.MEDIA_URL}{photo.image.name}").status_code == 404
    # another session's id with this photo's id: not found
    other = factories.session(city=session.city, days=1)
    other.trainers.add(trainer)
    client.force_login(trainer)
    assert client.get(reverse("training:session_photo", args=[other.pk, photo.pk])).status_code == 404


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("lop.gif", b"GIF89a" + b"\x00" * 20), "not accepted here"),
        (SimpleUploadedFile("lop.png", b"%PDF-1.4 not a photo"), "does not match its name"),
        (SimpleUploadedFile("lop.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64), "cannot be read"),
        (SimpleUploadedFile("lop.png", b""), None),  # an empty file input: no photo added
    ],
)
def test_a_bad_photo_is_refused_and_nothing_is_saved(client, held, upload, message):
    session, trainer = held
    client.force_login(trainer)
    response = post_report(client, session, upload)
    assert not SessionPhoto.objects.exists()
    if message:
        assert response.status_code == 200
        assert message in str(response.context["form"].errors["photo"])


def test_a_photo_over_the_size_limit_is_refused(client, held, monkeypatch):
    from portal import uploads

    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    session, trainer = held
    client.force_login(trainer)
    response = post_report(client, session, png(size=(64, 64)))
    assert "too large" in str(response.context["form"].errors["photo"])
    assert not SessionPhoto.objects.exists()


def test_the_migration_moves_photos_saved_under_public_media(held):
    from importlib import import_module

    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    session, trainer = held
    old = default_storage.save("training/photos/2025/cu.png", ContentFile(png().read()))
    assert (settings.MEDIA_ROOT / old).exists()
    photo = SessionPhoto.objects.create(session=session, image=old, caption="cũ")
    migration = import_module("training.migrations.0002_photos_are_private")
    migration.move_photos_to_private_storage(apps, None)
    photo.refresh_from_db()
    assert photo.image.name == f"documents/{old}"
    assert (settings.PRIVATE_MEDIA_ROOT / photo.image.name).exists()
    assert not (settings.MEDIA_ROOT / old).exists()
