"""Import previews do not leave their uploads in the temporary folder forever."""

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from training import views

from . import factories
from .test_import import HEADER


@pytest.fixture
def stash_dir(tmp_path, monkeypatch):
    path = tmp_path / "stash"
    monkeypatch.setattr(views, "_STASH_DIR", str(path))
    return path


@pytest.fixture
def setup(db):
    session = factories.session(days=1, code="vinh-stash")
    trainer = factories.trainer_for(session.city)
    session.trainers.add(trainer)
    return session, trainer


def preview(client, session, name="Lê Thị Hoa"):
    sheet = HEADER + f"{session.code},{session.days[0].strftime('%d/%m/%Y')},{name},Nữ,1980,,,,x\n"
    response = client.post(
        reverse("training:import_sheet", args=[session.pk]),
        {"file": SimpleUploadedFile("a.csv", sheet.encode())},
    )
    return response.context["token"]


def test_old_uploads_are_swept_and_a_new_preview_replaces_the_last(client, setup, stash_dir):
    session, trainer = setup
    stash_dir.mkdir()
    forgotten = stash_dir / ("0" * 32)
    forgotten.write_bytes(b"someone's sheet from yesterday")
    old = time.time() - views.STASH_MAX_AGE - 60
    os.utime(forgotten, (old, old))
    client.force_login(trainer)
    first = preview(client, session)
    assert not forgotten.exists()
    assert sorted(p.name for p in stash_dir.iterdir()) == [first]
    second = preview(client, session, "Lê Thị Hồng")
    assert sorted(p.name for p in stash_dir.iterdir()) == [second]
    response = client.post(reverse("training:import_confirm", args=[session.pk]), {"token": second})
    assert response.status_code == 302
    assert list(stash_dir.iterdir()) == []


def test_an_expired_preview_cannot_be_confirmed(client, setup, stash_dir):
    session, trainer = setup
    client.force_login(trainer)
    token = preview(client, session)
    old = time.time() - views.STASH_MAX_AGE - 60
    os.utime(stash_dir / token, (old, old))
    url = reverse("training:import_confirm", args=[session.pk])
    response = client.post(url, {"token": token}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "The uploaded sheet has expired" in response.content.decode()
    assert not session.attendances.exists()
