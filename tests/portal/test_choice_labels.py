from django.utils import translation

from proposals.models import Proposal


def test_labels_answer_in_the_active_language_and_unknown_values_as_they_are():
    proposal = Proposal(state="submitted", category="roads")
    with translation.override("en"):
        assert (proposal.get_state_display(), proposal.get_category_display()) == (
            "Submitted",
            "Alley paving and roads",
        )
    with translation.override("vi"):
        vi = proposal.get_state_display()
        assert vi != "Submitted" and vi == str(Proposal.State.SUBMITTED.label)
    assert Proposal(category="no_such_category").get_category_display() == "no_such_category"
