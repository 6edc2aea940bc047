"""The front-end pages: permissions per object and state, forms, query counts, export, mail."""

import csv
import io

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import Role
from proposals import services
from proposals.models import LedgerEntry, Proposal
from tests.factories import CommunityFactory, user_with_role
from tests.proposals.factories import PNG, Actors, fund_city, make_proposal


@pytest.fixture
def as_user(client):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def url(name, *args):
    return reverse(f"proposals:{name}", args=args)


class TestPermissions:
    def test_draft_of_another_community_is_404(self, actors, as_user):
        draft = make_proposal(actors, state="draft")
        neighbour = Actors(CommunityFactory(ward=actors.community.ward))
        client = as_user(neighbour.rep)
        assert client.get(url("proposal_detail", draft.pk)).status_code == 404
        for user in (actors.ward, actors.city):
            assert as_user(user).get(url("proposal_detail", draft.pk)).status_code == 404
        assert as_user(actors.rep).get(url("proposal_detail", draft.pk)).status_code == 200

    def test_other_city_sees_nothing(self, actors, as_user):
        proposal = make_proposal(actors, state="approved")
        stranger = Actors(CommunityFactory())
        assert as_user(stranger.city).get(url("proposal_detail", proposal.pk)).status_code == 404
        assert (
            as_user(stranger.secretary).get(url("fund_detail", actors.community.ward.city.pk)).status_code
            == 404
        )

    def test_edit_pages_only_while_editable(self, actors, as_user):
        proposal = make_proposal(actors, state="submitted")
        client = as_user(actors.rep)
        response = client.get(url("proposal_budget", proposal.pk))
        assert response.status_code == 302 and response.url == url("proposal_detail", proposal.pk)

    def test_actions_shown_are_the_users(self, actors, as_user):
        proposal = make_proposal(actors, state="submitted")
        ward_page = as_user(actors.ward).get(url("proposal_detail", proposal.pk)).content.decode()
        assert url("proposal_transition", proposal.pk, "endorse") in ward_page
        city_page = as_user(actors.city).get(url("proposal_detail", proposal.pk)).content.decode()
        assert url("proposal_transition", proposal.pk, "endorse") not in city_page
        assert url("proposal_transition", proposal.pk, "approve") not in city_page

    def test_transition_post_refused_for_wrong_role(self, actors, as_user):
        proposal = make_proposal(actors, state="submitted")
        client = as_user(actors.city)
        response = client.post(
            url("proposal_transition", proposal.pk, "approve"), {"state": "submitted"}, follow=True
        )
        assert Proposal.objects.get(pk=proposal.pk).state == "submitted"
        assert "may not" in response.content.decode() or "không" in response.content.decode().lower()

    def test_attachment_served_only_to_viewers(self, actors, as_user):
        proposal = make_proposal(actors, state="draft")
        attachment = services.proposal_attach(
            proposal=proposal, by=actors.rep, kind="photo", upload=SimpleUploadedFile("a.png", PNG)
        )
        assert as_user(actors.ward).get(url("attachment_download", attachment.pk)).status_code == 404
        response = as_user(actors.rep).get(url("attachment_download", attachment.pk))
        assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
        # and not through Wagtail's public document URL either
        from django.test import Client

        public = Client().get(attachment.document.url)
        assert public.status_code in (302, 403, 404)

    def test_attachment_with_a_vietnamese_file_name(self, actors, as_user):
        proposal = make_proposal(actors, state="draft")
        attachment = services.proposal_attach(
            proposal=proposal,
            by=actors.rep,
            kind="photo",
            upload=SimpleUploadedFile('Ảnh ngõ "số 5".png', PNG),
        )
        response = as_user(actors.rep).get(url("attachment_download", attachment.pk))
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert disposition.startswith("inline; filename")
        assert "filename*=utf-8''" in disposition  # the name survives, encoded


class TestForms:
    def test_multi_step_submission(self, actors, as_user):
        client = as_user(actors.rep)
        response = client.post(
            url("proposal_new"),
            {
                "community": actors.community.pk,
                "title": "Lắp đèn ngõ 7",
                "category": "lighting",
                "description": "12 bóng đèn LED",
                "location": "Ngõ 7",
                "households_planned": "35",
                "funding_type": "grant",
            },
        )
        proposal = Proposal.objects.get(title="Lắp đèn ngõ 7")
        assert response.url == url("proposal_budget", proposal.pk)
        budget = {
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "60",
            "lines-0-item": "Đèn LED",
            "lines-0-quantity": "12",
            "lines-0-unit": "bộ",
            "lines-0-unit_cost": "1500000",
            "lines-1-item": "Công lắp",
            "lines-1-quantity": "4",
            "lines-1-unit_cost": "500000",
            "requested_amount": "18000000",
            "contribution_cash": "2000000",
            "contribution_labour": "0",
        }
        bad = client.post(url("proposal_budget", proposal.pk), {**budget, "requested_amount": "17000000"})
        assert bad.status_code == 200 and "19,000,000" in bad.content.decode()
        assert not proposal.budget_lines.exists()
        response = client.post(url("proposal_budget", proposal.pk), budget)
        assert response.status_code == 302
        assert proposal.budget_lines.count() == 2
        wrong = client.post(
            url("proposal_attachments", proposal.pk),
            {"kind": "photo", "file": SimpleUploadedFile("x.png", b"GIF89a not png")},
        )
        assert wrong.status_code == 200 and not proposal.attachments.exists()
        client.post(
            url("proposal_attachments", proposal.pk),
            {"kind": "photo", "file": SimpleUploadedFile("x.png", PNG)},
        )
        assert proposal.attachments.count() == 1
        client.post(url("proposal_transition", proposal.pk, "submit"), {"state": "draft"})
        assert Proposal.objects.get(pk=proposal.pk).state == "submitted"

    def test_stale_form_gives_conflict_message(self, actors, as_user):
        proposal = make_proposal(actors, state="submitted")
        services.proposal_endorse(proposal=proposal, by=actors.ward)
        colleague = user_with_role(Role.WARD_OFFICER, actors.community.ward)
        response = as_user(colleague).post(
            url("proposal_transition", proposal.pk, "endorse"),
            {"state": "submitted"},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert "already Endorsed by ward" in response.content.decode()

    def test_disburse_form_and_double_submit(self, actors, as_user):
        fund_city(actors, 100_000_000)
        proposal = make_proposal(actors, state="approved", amount=40_000_000)
        client = as_user(actors.secretary)
        page = client.get(url("proposal_disburse", proposal.pk))
        token = page.context["form"]["token"].value()
        data = {"amount": "40000000", "date": "2026-02-01", "token": str(token), "state": "approved"}
        assert client.post(url("proposal_disburse", proposal.pk), data).status_code == 302
        again = client.post(url("proposal_disburse", proposal.pk), data)
        assert again.status_code in (200, 403)
        assert LedgerEntry.objects.filter(kind="disbursement").count() == 1

    def test_over_balance_disbursement_shows_error(self, actors, as_user):
        fund_city(actors, 10_000_000)
        proposal = make_proposal(actors, state="approved", amount=40_000_000)
        client = as_user(actors.secretary)
        page = client.get(url("proposal_disburse", proposal.pk))
        data = {
            "amount": "40000000",
            "date": "2026-02-01",
            "token": str(page.context["form"]["token"].value()),
            "state": "approved",
        }
        response = client.post(url("proposal_disburse", proposal.pk), data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200 and "holds only" in response.content.decode()
        assert not LedgerEntry.objects.filter(kind="disbursement").exists()

    def test_fund_page_and_contribution(self, actors, as_user):
        client = as_user(actors.secretary)
        city = actors.community.ward.city
        page = client.get(url("fund_detail", city.pk))
        token = page.context["contribution_form"]["token"].value()
        client.post(
            url("fund_contribute", city.pk),
            {"kind": "seed_capital", "amount": "500000000", "date": "2026-01-05", "token": str(token)},
        )
        assert city.fund.balance() == 500_000_000
        response = client.get(url("fund_detail", city.pk))
        assert response.context["balance"] == 500_000_000
        assert as_user(actors.rep).get(url("fund_detail", city.pk)).status_code == 404


class TestQueryCounts:
    @pytest.mark.parametrize("size", [3, 30])
    def test_review_queue(self, actors, as_user, size, django_assert_max_num_queries):
        for _ in range(size):
            make_proposal(actors, state="submitted")
        client = as_user(actors.ward)
        # session, user, memberships, the wards to filter by, and one query for the page
        # with its count and each row's "awaiting you"
        with django_assert_max_num_queries(5):
            response = client.get(url("review_queue"), {"state": "submitted"})
        page = response.context["page"]
        assert len(page) == min(size, 25) and page.paginator.count == size
        assert sum(p.awaiting_me for p in page) == min(size, 25)
        assert response.content.decode().count("wf-waiting") == min(size, 25)

    @pytest.mark.parametrize("size", [3, 30])
    def test_my_proposals(self, actors, as_user, size, django_assert_max_num_queries):
        for _ in range(size):
            make_proposal(actors, state="draft")
        client = as_user(actors.rep)
        with django_assert_max_num_queries(10):
            response = client.get(url("my_proposals"))
        assert len(response.context["page"]) == min(size, 25)

    @pytest.mark.parametrize("size", [3, 30])
    def test_my_work(self, actors, as_user, size, django_assert_max_num_queries):
        for _ in range(size):
            make_proposal(actors, state="submitted")
        client = as_user(actors.ward)
        with django_assert_max_num_queries(14):
            response = client.get(reverse("portal:my_work"))
        assert (
            "Awaiting my action" in response.content.decode() or "Chờ tôi xử lý" in response.content.decode()
        )


class TestExport:
    def test_csv_and_xlsx_hold_what_the_user_may_see(self, actors, as_user):
        mine = make_proposal(actors, state="approved", title="Cống thoát nước khối 3")
        make_proposal(actors, state="draft", title="Bản nháp riêng")
        other = Actors(CommunityFactory())
        make_proposal(other, state="approved", title="Thành phố khác")
        client = as_user(actors.city)
        response = client.get(url("proposal_export", "csv"))
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        titles = {row[1] for row in rows[1:]}
        assert titles == {mine.title}
        response = client.get(url("proposal_export", "xlsx"))
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        assert [c.value for c in book.active[2]][1] == mine.title
        assert as_user(actors.rep).get(url("proposal_export", "csv")).status_code == 403


class TestNotifications:
    def test_next_actors_and_community_are_told(self, actors, django_capture_on_commit_callbacks):
        proposal = make_proposal(actors, state="draft")
        colleague = user_with_role(Role.COMMUNITY_REPRESENTATIVE, actors.community)
        other_ward = user_with_role(
            Role.WARD_OFFICER, CommunityFactory(ward__city=actors.community.ward.city).ward
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.proposal_submit(proposal=proposal, by=actors.rep)
        recipients = {address for message in mail.outbox for address in message.to}
        assert actors.ward.email in recipients  # can act next
        assert colleague.email in recipients  # the community hears of every step
        assert actors.rep.email not in recipients  # not the one who acted
        assert other_ward.email not in recipients and actors.city.email not in recipients
        mail.outbox.clear()
        proposal = Proposal.objects.get(pk=proposal.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.proposal_request_revision(
                proposal=proposal, by=actors.ward, comment="Thiếu ảnh hiện trạng"
            )
        recipients = {address for message in mail.outbox for address in message.to}
        assert recipients == {actors.rep.email, colleague.email}
        assert any("Thiếu ảnh hiện trạng" in message.body for message in mail.outbox)

    def test_refused_action_sends_nothing(self, actors, django_capture_on_commit_callbacks):
        proposal = make_proposal(actors, state="submitted")
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.WorkflowError):
            services.proposal_approve(proposal=proposal, by=actors.city)
        assert mail.outbox == []
