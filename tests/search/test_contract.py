"""The one contract every search backend passes (SQLite FTS5, PostgreSQL, Elasticsearch when
ELASTICSEARCH_URL is set): Vietnamese typed any way, phrases, dates, facets, snippets, sorting
and paging, permissions (facet counts included) and index updates."""

import unicodedata

from django.contrib.auth.models import AnonymousUser

from proposals import services as proposal_services
from proposals.models import Proposal

from .conftest import facet, run, titles

DRAIN = "Nạo vét mương thoát nước"
LIGHT = "Lắp đèn đường"
HALL = "Sửa nhà văn hóa"
MANSION = "Cải tạo khu dinh thự cũ"
DRAFT = "Bản nháp bí mật"
SESSION = "Phần mềm quản lý tài chính CDF · Hà Nội"


def test_words_match_with_or_without_accents_and_in_any_case(engine, world):
    for q in ("mương", "muong", "MƯƠNG", "Muong"):
        assert set(titles(run(world.staff, q))) == {DRAIN, SESSION}, q
    for q in ("ha noi", "Hà Nội", "HA NOI"):
        assert DRAIN in titles(run(world.staff, q)), q


def test_d_with_stroke_is_matched_by_d(engine, world):
    assert LIGHT in titles(run(world.staff, "da nang"))
    assert LIGHT in titles(run(world.staff, "DEN DUONG"))
    assert set(titles(run(world.staff, "dinh"))) == {DRAIN, MANSION}


def test_a_query_typed_in_nfd_finds_nfc_text(engine, world):
    nfd = unicodedata.normalize("NFD", "thoát nước")
    assert nfd != "thoát nước"
    assert (
        set(titles(run(world.staff, nfd))) == set(titles(run(world.staff, "thoát nước"))) == {DRAIN, SESSION}
    )


def test_both_tone_placements_find_each_other(engine, world):
    # "thủy lợi" (old placement) in one record, "Thuỷ Lợi" (new placement) in the other
    for q in ("thuỷ lợi", "thủy lợi", "thuy loi"):
        assert set(titles(run(world.staff, q))) == {DRAIN, LIGHT}, q
    for q in ("văn hóa", "văn hoá", "van hoa"):
        assert titles(run(world.staff, q)) == [HALL], q


def test_exact_accents_rank_first(engine, world):
    # "đình" (a communal house) in the drain proposal; "dinh" (a mansion) in another
    assert titles(run(world.staff, "đình")) == [DRAIN, MANSION]
    assert titles(run(world.staff, "dinh thự")) == [MANSION]
    assert titles(run(world.staff, "Dinh", sort="relevance"))[0] == MANSION


def test_phrases_keep_their_words_together_and_in_order(engine, world):
    assert set(titles(run(world.staff, '"thoat nuoc"'))) == {DRAIN, SESSION}
    assert titles(run(world.staff, '"nuoc thoat"')) == []
    assert titles(run(world.staff, '"mương thoát" -quỹ')) == [DRAIN]


def test_date_range(engine, world):
    found = titles(run(world.staff, "", date_from="2025-01-01", date_to="2025-12-31"))
    assert set(found) == {LIGHT, HALL, SESSION}
    assert titles(run(world.staff, "", date_from="01/06/2025", date_to="01/06/2025")) == [LIGHT]


def test_facets_count_what_is_found_and_combine(engine, world):
    results = run(world.staff, "")
    assert results.count == 5
    assert facet(results, "type") == {"Proposal": 4, "Training session": 1}
    assert facet(results, "city") == {"Hà Nội": 2, "Đà Nẵng": 3}
    assert facet(results, "year") == {"2023": 1, "2024": 1, "2025": 3}
    in_hanoi = run(world.staff, "", city=world.hanoi.pk)
    assert set(titles(in_hanoi)) == {DRAIN, SESSION}
    # a facet is counted under the other facets' choices, not its own: both cities stay offered
    assert facet(in_hanoi, "city") == {"Hà Nội": 2, "Đà Nẵng": 3}
    assert facet(in_hanoi, "type") == {"Proposal": 1, "Training session": 1}
    assert facet(in_hanoi, "year") == {"2024": 1, "2025": 1}
    both = run(world.staff, "", city=world.hanoi.pk, type="training_session", year=2025)
    assert titles(both) == [SESSION]
    assert [v.selected for v in both.facets["type"] if v.value == "training_session"] == [True]
    two_cities = run(world.staff, "", city=[world.hanoi.pk, world.danang.pk], type="proposal")
    assert two_cities.count == 4


def test_snippets_mark_the_matches_and_escape_everything_else(engine, world):
    hit = next(h for h in run(world.staff, "chong ngap").hits if h.title == DRAIN)
    assert "<mark>chống</mark> <mark>ngập</mark>" in hit.snippet
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    stripped = hit.snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped


def test_sort_by_date_and_paging(engine, world):
    first = run(world.staff, "", sort="date", per_page=2)
    assert first.count == 5 and first.pages == 3
    assert titles(first) == [LIGHT, SESSION]
    second = run(world.staff, "", sort="date", per_page=2, page=2)
    assert titles(second) == [HALL, DRAIN]
    assert titles(run(world.staff, "", sort="date", per_page=2, page=3)) == [MANSION]
    assert titles(run(world.staff, "", sort="date", per_page=2, page=9)) == []
    assert [h.date.isoformat() for h in first.hits] == ["2025-06-01", "2025-04-02"]


def test_results_and_counts_only_show_what_the_user_may_open(engine, world):
    # a draft is its community's alone
    assert DRAFT not in titles(run(world.staff, "bí mật"))
    assert run(world.staff, "nuoc sach").count == 1  # the session, not the draft
    assert titles(run(world.a.rep, "bí mật")) == [DRAFT]
    mine = run(world.a.rep, "")
    assert set(titles(mine)) == {DRAIN, DRAFT}
    assert facet(mine, "type") == {"Proposal": 2}
    assert facet(run(world.staff, "mương"), "year") == {"2024": 1, "2025": 1}
    assert facet(run(world.a.rep, "mương"), "year") == {"2024": 1, "2025": 1}  # drain + draft
    # a city official of Đà Nẵng: that city's proposals past draft, no training
    danang = run(world.b.city, "")
    assert set(titles(danang)) == {LIGHT, HALL, MANSION}
    assert facet(danang, "city") == {"Đà Nẵng": 3}
    # the session: its trainer and the city's secretary, not the community
    assert titles(run(world.trainer, "quy nuoc")) == [SESSION]
    assert titles(run(world.secretary_a, "quy nuoc")) == [SESSION]
    assert titles(run(world.a.rep, "quy nuoc")) == []
    assert run(AnonymousUser(), "").count == 0
    assert all(not values for values in run(AnonymousUser(), "").facets.values())


def test_the_index_follows_edits_state_changes_and_deletes(engine, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        proposal_services.proposal_update(proposal=world.p_draft, by=world.a.rep, title="Giếng khoan tập thể")
    assert titles(run(world.a.rep, "gieng khoan")) == ["Giếng khoan tập thể"]
    assert titles(run(world.staff, "gieng khoan")) == []
    # submitted: the reviewers may open it now, so they find it
    with django_capture_on_commit_callbacks(execute=True):
        proposal_services.proposal_submit(proposal=world.p_draft, by=world.a.rep)
    assert titles(run(world.staff, "gieng khoan")) == ["Giếng khoan tập thể"]
    assert facet(run(world.staff, ""), "type") == {"Proposal": 5, "Training session": 1}
    # withdrawn and deleted: gone
    with django_capture_on_commit_callbacks(execute=True):
        proposal_services.proposal_withdraw(proposal=world.p_mansion, by=world.b.rep)
    with django_capture_on_commit_callbacks(execute=True):
        Proposal.objects.get(pk=world.p_mansion.pk).delete()
    assert titles(run(world.staff, "dinh thu")) == []
    assert facet(run(world.staff, ""), "city") == {"Hà Nội": 3, "Đà Nẵng": 2}
