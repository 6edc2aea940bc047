"""Bad input gives a clear error and saves nothing; the fund's ledger stays consistent."""

import datetime
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model

from portal.models import Role
from portal.uploads import MAX_UPLOAD_BYTES
from proposals import services
from proposals.models import BudgetLine, LedgerEntry, Proposal, ProposalAttachment, RepaymentInstalment
from tests.factories import CommunityFactory, user_with_role
from tests.proposals.factories import PDF, PNG, Actors, fund_city, make_proposal
from workflows.engine import TransitionConflict, TransitionRefused, WorkflowError


def _budget(proposal, by, lines, requested, cash=0, labour=0):
    return services.proposal_set_budget(
        proposal=proposal,
        by=by,
        lines=lines,
        requested_amount=requested,
        contribution_cash=cash,
        contribution_labour=labour,
    )


class TestBudget:
    @pytest.mark.parametrize("requested", [-1, -50_000_000, 10**15, "1000", 1.5, True])
    def test_negative_or_absurd_amounts(self, actors, requested):
        proposal = make_proposal(actors, state="draft")
        before = list(proposal.budget_lines.values_list("pk", flat=True))
        with pytest.raises(WorkflowError):
            _budget(proposal, actors.rep, [{"item": "Cát", "quantity": 1, "unit_cost": 1_000}], requested)
        proposal.refresh_from_db()
        assert proposal.requested_amount == 50_000_000
        assert list(proposal.budget_lines.values_list("pk", flat=True)) == before

    def test_lines_that_do_not_add_up(self, actors):
        proposal = make_proposal(actors, state="draft")
        with pytest.raises(TransitionRefused, match="add up"):
            _budget(
                proposal,
                actors.rep,
                [
                    {"item": "Cát", "quantity": 10, "unit_cost": 1_000_000},
                    {"item": "Đá", "quantity": 5, "unit_cost": 2_000_000},
                ],
                requested=15_000_000,
                cash=1_000_000,
            )
        assert proposal.budget_lines.count() == 1

    def test_line_total_must_be_quantity_times_unit_cost(self, actors):
        proposal = make_proposal(actors, state="draft")
        with pytest.raises(TransitionRefused, match="Budget line 1"):
            _budget(
                proposal,
                actors.rep,
                [{"item": "Cát", "quantity": 3, "unit_cost": 1_000, "total": 4_000}],
                4_000,
            )
        assert BudgetLine.objects.filter(proposal=proposal, item="Cát").count() == 0

    def test_negative_quantity_refused(self, actors):
        proposal = make_proposal(actors, state="draft")
        with pytest.raises(TransitionRefused):
            _budget(proposal, actors.rep, [{"item": "Cát", "quantity": -3, "unit_cost": 1_000}], 0)

    def test_lines_that_add_up_are_saved(self, actors):
        proposal = make_proposal(actors, state="draft")
        proposal = _budget(
            proposal,
            actors.rep,
            [
                {"item": "Cát", "quantity": "2.5", "unit": "m3", "unit_cost": 400_000},
                {"item": "Công", "quantity": 10, "unit_cost": 300_000},
            ],
            requested=3_000_000,
            labour=1_000_000,
        )
        assert [line.total for line in proposal.budget_lines.all()] == [1_000_000, 3_000_000]

    def test_budget_cannot_change_after_submission(self, actors):
        proposal = make_proposal(actors, state="submitted")
        with pytest.raises(TransitionRefused):
            _budget(proposal, actors.rep, [{"item": "Cát", "quantity": 1, "unit_cost": 10}], 10)

    def test_incomplete_draft_cannot_be_submitted(self, actors):
        proposal = services.proposal_create(
            community=actors.community, by=actors.rep, title="Đèn", category="lighting"
        )
        with pytest.raises(TransitionRefused, match="not complete"):
            services.proposal_submit(proposal=proposal, by=actors.rep)
        assert Proposal.objects.get(pk=proposal.pk).state == "draft"

    def test_loan_needs_repayment_months(self, actors):
        with pytest.raises(TransitionRefused):
            services.proposal_create(
                community=actors.community,
                by=actors.rep,
                title="Nhà",
                category="housing",
                funding_type="loan",
            )
        assert not Proposal.objects.exists()

    def test_only_representatives_create(self, actors):
        with pytest.raises(TransitionRefused):
            services.proposal_create(community=actors.community, by=actors.ward, title="x", category="other")


class TestAttachments:
    def test_good_files_are_stored_privately(self, actors):
        proposal = make_proposal(actors, state="draft")
        photo = services.proposal_attach(
            proposal=proposal, by=actors.rep, kind="photo", upload=SimpleUploadedFile("ngo.png", PNG)
        )
        sheet = services.proposal_attach(
            proposal=proposal, by=actors.rep, kind="map", upload=SimpleUploadedFile("ban-do.pdf", PDF)
        )
        assert (photo.content_type, sheet.content_type) == ("image/png", "application/pdf")
        assert photo.document.collection.name == services.ATTACHMENT_COLLECTION

    @pytest.mark.parametrize(
        ("name", "content", "kind", "message"),
        [
            ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "other", "not accepted"),
            ("photo.pdf", PDF, "photo", "not accepted"),
            ("fake.png", b"<html>not an image</html>", "photo", "does not match"),
            ("fake.pdf", PNG, "map", "does not match"),
            ("empty.png", b"", "photo", "empty"),
        ],
    )
    def test_wrong_files_are_refused(self, actors, name, content, kind, message):
        proposal = make_proposal(actors, state="draft")
        with pytest.raises(TransitionRefused, match=message):
            services.proposal_attach(
                proposal=proposal, by=actors.rep, kind=kind, upload=SimpleUploadedFile(name, content)
            )
        assert not ProposalAttachment.objects.exists()
        assert not get_document_model().objects.exists()

    def test_oversized_upload_is_refused(self, actors):
        proposal = make_proposal(actors, state="draft")
        big = SimpleUploadedFile("big.png", PNG + b"\x00" * MAX_UPLOAD_BYTES)
        with pytest.raises(TransitionRefused, match="too large"):
            services.proposal_attach(proposal=proposal, by=actors.rep, kind="photo", upload=big)
        assert not get_document_model().objects.exists()

    def test_no_attachment_after_submission_except_completion_photos(self, actors):
        submitted = make_proposal(actors, state="submitted")
        with pytest.raises(TransitionRefused):
            services.proposal_attach(
                proposal=submitted, by=actors.rep, kind="photo", upload=SimpleUploadedFile("a.png", PNG)
            )
        running = make_proposal(actors, state="in_progress")
        services.proposal_attach(
            proposal=running, by=actors.rep, kind="completion_photo", upload=SimpleUploadedFile("a.png", PNG)
        )


class TestLedger:
    def test_balance_is_the_sum_of_entries(self, actors):
        city = actors.community.ward.city
        fund_city(actors, 300_000_000)
        services.fund_record_contribution(city=city, by=actors.secretary, kind="donor", amount=50_000_000)
        proposal = make_proposal(actors, state="approved", amount=100_000_000)
        services.proposal_disburse(proposal=proposal, by=actors.secretary, amount=60_000_000)
        assert city.fund.balance() == 290_000_000
        proposal = Proposal.objects.get(pk=proposal.pk)
        assert (proposal.state, proposal.disbursed, proposal.amount_left) == (
            "funded",
            60_000_000,
            40_000_000,
        )
        services.proposal_disburse(proposal=proposal, by=actors.secretary, amount=40_000_000)
        assert city.fund.balance() == 250_000_000

    def test_disbursement_over_balance(self, actors):
        fund_city(actors, 30_000_000)
        proposal = make_proposal(actors, state="approved", amount=50_000_000)
        with pytest.raises(TransitionRefused, match="holds only"):
            services.proposal_disburse(proposal=proposal, by=actors.secretary, amount=50_000_000)
        assert Proposal.objects.get(pk=proposal.pk).state == "approved"
        assert LedgerEntry.objects.filter(kind="disbursement").count() == 0

    def test_disbursement_over_approved_amount(self, actors):
        fund_city(actors)
        proposal = make_proposal(actors, state="approved", amount=50_000_000)
        with pytest.raises(TransitionRefused, match="left to disburse"):
            services.proposal_disburse(proposal=proposal, by=actors.secretary, amount=50_000_001)
        with pytest.raises(TransitionRefused):
            services.proposal_disburse(proposal=proposal, by=actors.secretary, amount=-5)
        assert LedgerEntry.objects.filter(kind="disbursement").count() == 0

    def test_fully_disbursed_proposal_cannot_be_disbursed_again(self, actors):
        proposal = make_proposal(actors, state="funded")
        with pytest.raises(TransitionRefused):
            services.proposal_disburse(proposal=proposal, by=actors.secretary, amount=1)

    def test_same_form_twice_records_once(self, actors):
        fund_city(actors)
        proposal = make_proposal(actors, state="approved", amount=50_000_000)
        token = uuid.uuid4()
        services.proposal_disburse(proposal=proposal, by=actors.secretary, amount=10_000_000, token=token)
        with pytest.raises(TransitionConflict):
            services.proposal_disburse(
                proposal=proposal,
                by=actors.secretary,
                amount=10_000_000,
                token=token,
                expected_state="funded",
            )
        assert LedgerEntry.objects.filter(kind="disbursement").count() == 1

    def test_stale_page_is_a_conflict(self, actors):
        proposal = make_proposal(actors, state="endorsed")
        services.proposal_approve(proposal=proposal, by=actors.city)
        other_official = user_with_role(Role.CITY_OFFICIAL, actors.community.ward.city)
        with pytest.raises(TransitionConflict, match="already Approved"):
            services.proposal_approve(proposal=proposal, by=other_official)

    def test_loan_schedule_and_repayments(self, actors):
        fund_city(actors, 100_000_000)
        proposal = make_proposal(actors, state="approved", amount=10_000_000, funding_type="loan")
        services.proposal_disburse(
            proposal=proposal, by=actors.secretary, amount=10_000_000, date=datetime.date(2026, 1, 31)
        )
        schedule = list(RepaymentInstalment.objects.filter(proposal=proposal))
        assert len(schedule) == 12
        assert sum(i.amount for i in schedule) == 10_000_000
        assert schedule[0].due_date == datetime.date(2026, 2, 28)
        services.loan_record_repayment(proposal=proposal, by=actors.secretary, amount=2_000_000)
        assert actors.community.ward.city.fund.balance() == 92_000_000
        with pytest.raises(TransitionRefused, match="outstanding"):
            services.loan_record_repayment(proposal=proposal, by=actors.secretary, amount=8_000_001)
        with pytest.raises(TransitionRefused):
            services.loan_record_repayment(proposal=proposal, by=actors.rep, amount=1_000)

    def test_grants_are_not_repaid(self, actors):
        proposal = make_proposal(actors, state="funded")
        with pytest.raises(TransitionRefused, match="grant"):
            services.loan_record_repayment(proposal=proposal, by=actors.secretary, amount=1_000)

    def test_corrections_are_reversing_entries(self, actors):
        entry = fund_city(actors, 100_000_000)
        mistake = services.fund_record_contribution(
            city=actors.community.ward.city, by=actors.secretary, kind="donor", amount=5_000_000
        )
        reversal = services.ledger_reverse_entry(entry=mistake, by=actors.secretary, reason="Nhập nhầm")
        assert (reversal.amount, reversal.reverses) == (-5_000_000, mistake)
        assert LedgerEntry.objects.count() == 3
        assert entry.fund.balance() == 100_000_000
        with pytest.raises(TransitionConflict):
            services.ledger_reverse_entry(entry=mistake, by=actors.secretary, reason="again")
        with pytest.raises(TransitionRefused):
            services.ledger_reverse_entry(entry=reversal, by=actors.secretary, reason="again")

    def test_reversing_a_disbursement_frees_the_approved_amount(self, actors):
        fund_city(actors, 100_000_000)
        proposal = make_proposal(actors, state="approved", amount=50_000_000)
        services.proposal_disburse(proposal=proposal, by=actors.secretary, amount=50_000_000)
        entry = LedgerEntry.objects.get(kind="disbursement")
        services.ledger_reverse_entry(entry=entry, by=actors.secretary, reason="Sai số tiền")
        assert Proposal.objects.get(pk=proposal.pk).amount_left == 50_000_000
        assert entry.fund.balance() == 100_000_000

    def test_reversal_cannot_empty_the_fund(self, actors):
        seed = fund_city(actors, 60_000_000)
        proposal = make_proposal(actors, state="approved", amount=50_000_000)
        services.proposal_disburse(proposal=proposal, by=actors.secretary, amount=50_000_000)
        with pytest.raises(TransitionRefused, match="below zero"):
            services.ledger_reverse_entry(entry=seed, by=actors.secretary, reason="x")

    @pytest.mark.parametrize("amount", [0, -1, 10**15])
    def test_bad_contributions(self, actors, amount):
        with pytest.raises(TransitionRefused):
            services.fund_record_contribution(
                city=actors.community.ward.city, by=actors.secretary, kind="donor", amount=amount
            )
        assert not LedgerEntry.objects.exists()

    def test_only_the_citys_secretary_keeps_the_ledger(self, actors):
        other = Actors(CommunityFactory())
        for user in (actors.city, actors.rep, other.secretary, user_with_role(Role.PROGRAMME_STAFF)):
            with pytest.raises(TransitionRefused):
                services.fund_record_contribution(
                    city=actors.community.ward.city, by=user, kind="donor", amount=1_000
                )


def test_the_attachment_help_is_in_the_language_of_the_request():
    from django.utils import translation

    from proposals.forms import AttachmentForm

    with translation.override("en"):
        english = str(AttachmentForm().fields["file"].help_text)
    with translation.override("vi"):
        vietnamese = str(AttachmentForm().fields["file"].help_text)
    assert english.startswith("Photos (JPG") and "5 MB" in english
    assert vietnamese.startswith("Ảnh (JPG") and "5 MB" in vietnamese
