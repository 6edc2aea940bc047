"""Import previews keep their upload until the confirm, and never in the temporary folder
forever: the same stash (portal.imports) behind the training and the exchange imports."""

import io
import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal import imports
from tests.exchanges import factories as exchange_factories
from tests.exchanges.test_participants import HEADER as PARTICIPANTS_HEADER
from tests.training import factories
from tests.training.test_import import HEADER


@pytest.fixture
def stash_dir(tmp_path, monkeypatch):
    path = tmp_path / "stash"
    monkeypatch.setattr(imports, "STASH_DIR", str(path))
    return path


@pytest.fixture
def setup(db):
    return factories.session_with_trainer(days=1, code="vinh-stash")


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
    old = time.time() - imports.STASH_MAX_AGE - 60
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
    old = time.time() - imports.STASH_MAX_AGE - 60
    os.utime(stash_dir / token, (old, old))
    url = reverse("training:import_confirm", args=[session.pk])
    response = client.post(url, {"token": token}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "The uploaded sheet has expired" in response.content.decode()
    assert not session.attendances.exists()


def test_an_exchange_preview_sweeps_too_and_its_confirm_clears_it(client, db, stash_dir):
    net = exchange_factories.network()
    exchange = exchange_factories.make(net, "held")
    stash_dir.mkdir()
    forgotten = stash_dir / ("1" * 32)
    forgotten.write_bytes(b"an old participant list")
    old = time.time() - imports.STASH_MAX_AGE - 60
    os.utime(forgotten, (old, old))
    client.force_login(net.visitor_secretary)
    upload = io.BytesIO(f"{PARTICIPANTS_HEADER}\nPhan Thị Nga,Nữ,1975,0934 111 222,Hội Phụ nữ,\n".encode())
    upload.name = "ds.csv"
    response = client.post(
        reverse("exchanges:import_sheet", args=[exchange.pk]), {"city": net.visitor.pk, "file": upload}
    )
    token = response.context["token"]
    assert not forgotten.exists() and [p.name for p in stash_dir.iterdir()] == [token]
    response = client.post(
        reverse("exchanges:import_confirm", args=[exchange.pk]), {"token": token, "city": net.visitor.pk}
    )
    assert response.status_code == 302
    assert list(stash_dir.iterdir()) == []
