"""Attachment text extraction with real libraries on files the test makes, clear errors for
bad files with nothing stored, scans flagged, and files never under a public URL."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import AnonymousUser
from wagtail.documents import get_document_model

from forums import samples, services
from forums.files import MAX_ATTACHMENT_BYTES, AttachmentError, read_upload
from forums.models import MinutesAttachment
from tests.forums.factories import make_minutes


def xlsx_bytes():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Phường", "Số hộ"])
    workbook.active.append(["Hưng Bình", 42])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_pdf_text_is_extracted():
    read = read_upload("bien-ban.pdf", samples.text_pdf(["Kien nghi Bo Xay dung", "Quy CDF Vinh"]))
    assert read.content_type == "application/pdf"
    assert "Kien nghi Bo Xay dung" in read.text and "Quy CDF Vinh" in read.text
    assert read.has_text


def test_docx_and_xlsx_text_are_extracted():
    read = read_upload("phu-luc.docx", samples.docx(["Nghị quyết về Quỹ", "Đường ngõ 12"]))
    assert "Nghị quyết về Quỹ" in read.text and "Đường ngõ 12" in read.text
    sheet = read_upload("so-lieu.xlsx", xlsx_bytes())
    assert "Hưng Bình 42" in sheet.text


def test_a_scanned_pdf_is_flagged_not_refused():
    read = read_upload("scan.pdf", samples.scanned_pdf())
    assert read.is_text_document and not read.has_text and read.text == ""


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("hong.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50, "damaged"),
        ("hong.docx", b"PK\x03\x04" + b"garbage" * 50, "damaged"),
        ("hong.xlsx", b"PK\x03\x04" + b"garbage" * 50, "damaged"),
        ("gia.pdf", b"just text pretending", "does not match"),
        ("virus.exe", b"MZ....", "not accepted"),
        ("rong.pdf", b"", "empty"),
    ],
)
def test_bad_files_give_a_clear_error(name, data, message):
    with pytest.raises(AttachmentError) as error:
        read_upload(name, data)
    assert message in str(error.value)


def test_an_oversized_file_is_refused():
    data = samples.text_pdf(["x"]) + b"%" * (MAX_ATTACHMENT_BYTES + 1)
    with pytest.raises(AttachmentError, match="too large"):
        read_upload("lon.pdf", data)


def stored_counts():
    return MinutesAttachment.objects.count(), get_document_model().objects.count()


@pytest.mark.parametrize(
    "name,data",
    [
        ("hong.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50),
        ("lon.pdf", b"%PDF-1.4" + b"%" * (MAX_ATTACHMENT_BYTES + 1)),
    ],
)
def test_a_bad_upload_stores_nothing(net, client, name, data, settings):
    minutes = make_minutes(net)
    before = stored_counts()
    with pytest.raises(services.ForumError):
        services.minutes_attach(minutes=minutes, by=net.official, name=name, data=data)
    assert stored_counts() == before
    client.force_login(net.official)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"/forums/minutes/{minutes.pk}/files/",
        {"kind": "signed", "file": SimpleUploadedFile(name, data)},
        follow=True,
    )
    assert response.status_code == 200
    assert stored_counts() == before
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_attach_through_the_page_extracts_and_flags(net, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    minutes = make_minutes(net)
    client.force_login(net.secretary)
    client.post(
        f"/forums/minutes/{minutes.pk}/files/",
        {"kind": "signed", "file": SimpleUploadedFile("bien-ban.pdf", samples.text_pdf(["Bien ban ky 3"]))},
    )
    response = client.post(
        f"/forums/minutes/{minutes.pk}/files/",
        {"kind": "signed", "file": SimpleUploadedFile("scan.pdf", samples.scanned_pdf())},
        follow=True,
    )
    text, scan = minutes.attachments.order_by("pk")
    assert text.text_status == "extracted" and "Bien ban ky 3" in text.text
    assert scan.text_status == "no_text"
    assert any(m.level_tag == "warning" for m in response.context["messages"])


def test_files_are_private_and_served_only_by_the_checked_view(net, client):
    minutes = make_minutes(net)
    attachment = services.minutes_attach(
        minutes=minutes, by=net.official, name="bien-ban.pdf", data=samples.text_pdf(["Bien ban"])
    )
    url = f"/forums/files/{attachment.pk}/"
    # Wagtail's public document URL refuses the private collection
    document = attachment.document
    public = client.get(f"/documents/{document.pk}/{document.filename}")
    assert public.status_code != 200 or b"Bien ban" not in b"".join(public.streaming_content)
    assert client.get(url).status_code == 404  # anonymous, a draft
    client.force_login(net.other_official)
    assert client.get(url).status_code == 404
    client.force_login(net.official)
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "private, max-age=0"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_attachments_of_public_published_minutes_reach_anonymous_readers(net, client):
    minutes = make_minutes(net)
    attachment = services.minutes_attach(
        minutes=minutes, by=net.official, name="bien-ban.pdf", data=samples.text_pdf(["Bien ban"])
    )
    minutes = services.minutes_submit(minutes=minutes, by=net.official)
    minutes = services.minutes_publish(minutes=minutes, by=net.staff)
    url = f"/forums/files/{attachment.pk}/"
    assert client.get(url).status_code == 404  # published, not public
    client.force_login(net.other_official)
    assert client.get(url).status_code == 200
    client.logout()
    from forums.models import Minutes

    Minutes.objects.filter(pk=minutes.pk).update(is_public=True)
    assert client.get(url).status_code == 200
    assert AnonymousUser().is_authenticated is False


def test_files_cannot_be_added_once_published(net):
    minutes = make_minutes(net, state="published")
    with pytest.raises(services.ForumError):
        services.minutes_attach(minutes=minutes, by=net.official, name="a.pdf", data=samples.text_pdf(["x"]))


def test_the_upload_help_is_in_the_language_of_the_request():
    from django.utils import translation

    from forums.forms import AttachmentForm

    with translation.override("en"):
        english = str(AttachmentForm().fields["file"].help_text)
    with translation.override("vi"):
        vietnamese = str(AttachmentForm().fields["file"].help_text)
    assert english.startswith("PDF, Word") and "10 MB" in english
    assert vietnamese != english and "10 MB" in vietnamese
