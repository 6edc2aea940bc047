from portal.models import Role
from tests.browser.conftest import log_in
from tests.factories import CommunityFactory, user_with_role


def test_phone_visitor_logs_in_sees_roles_and_switches_language(phone, transactional_db):
    community = CommunityFactory(name="Khối 7")
    user_with_role(Role.COMMUNITY_REPRESENTATIVE, community, username="lan")

    phone.goto("/")
    assert phone.locator("html").get_attribute("lang") == "vi"
    log_in(phone, "lan")
    assert phone.locator("h1").inner_text() == "Việc của tôi"
    assert "Khối 7" in phone.locator("main").inner_text()
    # Nothing overflows sideways on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.select_option("#lang-select", "en")
    phone.click("form.lang button")
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "My work"
    assert phone.locator("html").get_attribute("lang") == "en"
