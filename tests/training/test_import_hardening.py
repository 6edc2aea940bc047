"""The attendance import as an attacker feeds it: malformed sheets and random rows give a message
on the page (never a 500), and nothing is written."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from portal import sheets
from training.importing import attendance_import
from training.models import Attendance
from training.services import TrainingError

from . import factories
from .test_import import HEADER

BROKEN = {
    "cut.xlsx": b"PK\x03\x04" + b"\x00" * 40,
    "long-cell.csv": (HEADER + "s,01/03/2026," + "a" * 140_000 + ",,,,,,x\n").encode(),
    "carriage-return.csv": (HEADER + "s,01/03/2026,Lê\rHoa,Nữ,1980,,,,x\n").encode(),
    "binary.csv": bytes(range(256)) * 4,
}


@pytest.fixture
def setup(db):
    return factories.session_with_trainer(days=2, code="vinh-2014-cdf")


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_malformed_sheets_give_a_message_not_a_500(client, setup, name):
    session, trainer = setup
    client.force_login(trainer)
    response = client.post(
        reverse("training:import_sheet", args=[session.pk]), {"file": SimpleUploadedFile(name, BROKEN[name])}
    )
    assert response.status_code == 200
    form = response.context["form"]
    report = response.context.get("report")
    assert form.errors.get("file") or (report and report.errors), name
    assert not Attendance.objects.filter(session=session).exists()


def test_an_upload_over_the_limit_is_refused_before_reading(client, setup, monkeypatch):
    session, trainer = setup
    monkeypatch.setattr(sheets, "MAX_UPLOAD_BYTES", 1024 * 1024)
    client.force_login(trainer)
    response = client.post(
        reverse("training:import_sheet", args=[session.pk]),
        {"file": SimpleUploadedFile("big.csv", (HEADER + "x,\n" * 400_000).encode())},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "larger than 1 MB" in str(response.context["form"].errors["file"])


_cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["x", "", "01/03/2026", "31/02/2026", "1e999", "nan", "inf", "-1", "45000", "Nữ", "=1+1"]
    ),
)


class RandomRows(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.session = factories.session(days=2, code="vinh-2014-cdf")
        cls.trainer = factories.trainer_for(cls.session.city)
        cls.session.trainers.add(cls.trainer)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.lists(_cell, min_size=9, max_size=9), min_size=1, max_size=8))
    def test_random_rows_give_rows_or_errors(self, rows):
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        data = (HEADER + out.getvalue()).encode()
        try:
            report = attendance_import(
                session=self.session, by=self.trainer, data=data, filename="a.csv", dry_run=True
            )
        except TrainingError as exc:
            assert str(exc)
            return
        assert report.total == len([r for r in rows if any(str(c).strip() for c in r)])
        assert not report.committed
        assert not Attendance.objects.filter(session=self.session).exists()
