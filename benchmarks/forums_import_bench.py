"""Historic minutes import throughput and forum list pages, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/anything \
        .venv/bin/python benchmarks/forums_import_bench.py [--rows 300]

Creates its own database `<name>_forums_bench` on that server (dropped at the end), then:
- imports ROWS historic minutes (a third each .docx, text PDF, scanned PDF) from a CSV and a
  ZIP through `forums.importing.historic_import`, the code the admin page and the command use;
- imports the same files again (idempotent: nothing changes) and times that too;
- renders the forum list, a forum page, the issues list and the open action items list
  (median of 5 after a warm-up) and counts their queries.
"""

import argparse
import io
import os
import statistics
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _bench_url(url):
    parts = urlparse(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("DATABASE_URL must point at PostgreSQL")
    name = (parts.path.lstrip("/") or "postgres") + "_forums_bench"
    return name, urlunparse(parts._replace(path=f"/{name}")), urlunparse(parts._replace(path="/postgres"))


def _admin(url, sql):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=300)
    args = parser.parse_args()
    name, bench_url, admin_url = _bench_url(os.environ.get("DATABASE_URL", ""))
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
    _admin(admin_url, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "portal.settings.test"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        run(args.rows)
    finally:
        from django.db import connections

        connections.close_all()
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}"')


def run(rows):
    import tempfile

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from forums import samples, services
    from forums.importing import historic_import
    from forums.models import Forum, Meeting
    from portal.models import City, Province, Role
    from portal.services import membership_grant

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="forums-bench-")
    province = Province.objects.create(name="Nghệ An", region="central")
    city = City.objects.create(name="Vinh", province=province)
    staff = get_user_model().objects.create_user("bench-staff", password="x")
    membership_grant(user=staff, role=Role.PROGRAMME_STAFF)
    forum = services.forum_create(
        by=staff, name="Diễn đàn cộng đồng Vinh", level=Forum.Level.COMMUNITY, cities=[city]
    )

    lines = ["Diễn đàn,Cuộc họp,Ngày,Địa điểm,Thành phố đăng cai,Ngôn ngữ,Tệp,Công khai,Nữ,Nam"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for i in range(rows):
            kind = ("docx", "pdf", "scan")[i % 3]
            name = f"bien-ban-{i}.{'docx' if kind == 'docx' else 'pdf'}"
            if kind == "docx":
                data = samples.docx([f"Biên bản kỳ họp {i}", "Kiến nghị Bộ Xây dựng về đất ở"] * 20)
            elif kind == "pdf":
                data = samples.text_pdf([f"Bien ban ky hop {i}", "Kien nghi Bo Xay dung"] * 20)
            else:
                data = samples.scanned_pdf()
            z.writestr(name, data)
            day, month, year = 1 + i % 28, 1 + (i // 28) % 12, 2005 + i // 336
            lines.append(
                f"{forum.name},Kỳ họp {i},{day:02d}/{month:02d}/{year},Hưng Bình,Vinh,vi,{name},x,20,10"
            )
    sheet = ("\n".join(lines) + "\n").encode("utf-8-sig")
    zip_bytes = archive.getvalue()

    started = time.perf_counter()
    report = historic_import(sheet_bytes=sheet, sheet_name="m.csv", zip_bytes=zip_bytes, by=staff)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = historic_import(sheet_bytes=sheet, sheet_name="m.csv", zip_bytes=zip_bytes, by=staff)
    second = time.perf_counter() - started
    print(f"rows: {rows}, ZIP: {len(zip_bytes) / 1e6:.1f} MB")
    print(f"first import: {report.imported} imported, {report.failed} failed in {first:.1f} s "
          f"({rows / first:.0f} rows/s)")  # fmt: skip
    print(f"second import (idempotent): {again.unchanged} already there, {again.imported} imported "
          f"in {second:.1f} s")  # fmt: skip
    assert Meeting.objects.count() == rows

    client = Client()
    client.force_login(staff)
    for i in range(0, rows, 3):
        meeting = Meeting.objects.get(title=f"Kỳ họp {i}")
        services.decision_add(meeting=meeting, by=staff, text=f"Kiến nghị {i}", addressed_to="ministry")
        services.action_item_add(
            meeting=meeting, by=staff, text=f"Việc {i}", owner_city=city, due_on=meeting.date
        )
    for url in ("/forums/", f"/forums/{forum.pk}/", "/forums/issues/", "/forums/actions/"):
        client.get(url)
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - started)
            assert response.status_code == 200
        print(f"{url}: {statistics.median(times) * 1000:.0f} ms, {len(queries)} queries")


if __name__ == "__main__":
    main()
