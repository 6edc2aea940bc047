"""Proposal attachments are never under a public URL: not in MEDIA_ROOT, not through `/media/`
on a DEBUG server (`make run`), not through Wagtail's document URL; only the permission-checked
view serves them."""

import importlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches, reverse

from proposals import services
from tests.proposals.factories import PNG, make_proposal


@pytest.fixture
def debug_server(settings):
    """The URLs `make run` serves (DEBUG on)."""
    import portal.urls

    settings.DEBUG = True
    importlib.reload(portal.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(portal.urls)
    clear_url_caches()


@pytest.fixture
def attachment(actors):
    proposal = make_proposal(actors, state="draft")
    return services.proposal_attach(
        proposal=proposal, by=actors.rep, kind="map", upload=SimpleUploadedFile("ban-do.png", PNG)
    )


def test_the_file_is_outside_media_root(attachment, settings):
    path = Path(attachment.document.file.path)
    assert path.is_file() and path.read_bytes() == PNG
    assert Path(settings.PRIVATE_MEDIA_ROOT) in path.parents
    assert Path(settings.MEDIA_ROOT) not in path.parents
    assert not list(Path(settings.MEDIA_ROOT).rglob("ban-do*"))


def test_an_anonymous_media_url_on_a_debug_server(attachment, debug_server, settings):
    name = attachment.document.file.name
    assert name.startswith("documents/")
    assert Client().get(f"/media/{name}").status_code == 404
    # not even a copy left in MEDIA_ROOT by an older version
    stray = Path(settings.MEDIA_ROOT) / name
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(PNG)
    assert Client().get(f"/media/{name}").status_code == 404
    # public media is still served in development
    (Path(settings.MEDIA_ROOT) / "images").mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / "images" / "a.png").write_bytes(PNG)
    assert Client().get("/media/images/a.png").status_code == 200


def test_no_public_url_and_wagtail_refuses_it(attachment):
    with pytest.raises(NotImplementedError):
        _ = attachment.document.file.url
    assert Client().get(attachment.document.url).status_code in (302, 403, 404)


def test_the_permission_checked_view_serves_it(attachment, actors, client):
    client.force_login(actors.rep)
    response = client.get(reverse("proposals:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    client.force_login(actors.city)  # a draft is the community's business
    assert client.get(reverse("proposals:attachment_download", args=[attachment.pk])).status_code == 404


def test_files_an_older_version_left_in_media_root_are_moved(settings):
    from django.core.management import call_command

    old = Path(settings.MEDIA_ROOT) / "documents" / "ban-do.png"
    old.parent.mkdir(parents=True)
    old.write_bytes(PNG)
    call_command("move_private_files", stdout=io.StringIO())
    assert not old.exists()
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / "documents" / "ban-do.png").read_bytes() == PNG
