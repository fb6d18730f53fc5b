import pytest

from tests.factories import enrol_two_factor, totp_code

from .conftest import log_in


@pytest.mark.django_db(transaction=True)
def test_an_enrolled_clinician_signs_in_with_a_code_and_is_warned_before_idle_sign_out(
    new_page, cast
):
    device = enrol_two_factor(cast.clinician)
    page = new_page()
    page.clock.install()
    log_in(page, cast.clinician.email, cast.password)
    assert page.get_by_role("heading", name="Enter your code").is_visible()
    page.get_by_label("Code").fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/")
    assert not page.get_by_role("heading", name="Enter your code").is_visible()

    # A minute before the 15-minute limit the page warns and offers to stay signed in.
    page.clock.fast_forward("14:05")
    warning = page.get_by_role("alertdialog", name="You are about to be signed out")
    warning.wait_for()
    with page.expect_response("**/accounts/session/keep-alive/") as answer:
        page.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 204
    warning.wait_for(state="detached")


@pytest.mark.django_db(transaction=True)
def test_a_clinician_in_the_grace_period_sets_up_two_factor_from_the_banner(new_page, cast):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    page = new_page()
    log_in(page, cast.clinician.email, cast.password)
    page.get_by_role("link", name="Set it up now").click()
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    assert page.get_by_role(
        "img", name="QR code to add RecoveryPath to an authenticator app"
    ).is_visible()
    device = TOTPDevice.objects.get(user=cast.clinician, confirmed=False)
    page.get_by_label("Code from the app").fill(totp_code(device))
    page.get_by_role("button", name="Turn on").click()
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
