from django.core.files.base import ContentFile

from portal.uploads import private_file_response


def test_images_and_pdf_show_in_the_browser_other_files_download():
    pdf = private_file_response(
        ContentFile(b"%PDF-1.4", name="a.pdf"), "application/pdf", filename="Biên bản.pdf"
    )
    assert pdf["Content-Disposition"].startswith("inline; filename")
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    word = private_file_response(ContentFile(b"PK", name="a.docx"), docx, filename="Báo cáo.docx")
    assert word["Content-Disposition"].startswith("attachment; filename")
    photo = private_file_response(ContentFile(b"\x89PNG", name="a.png"), "image/png", max_age=3600)
    for response in (pdf, word, photo):
        assert response["X-Content-Type-Options"] == "nosniff"
    assert (pdf["Cache-Control"], photo["Cache-Control"]) == ("private, max-age=0", "private, max-age=3600")
