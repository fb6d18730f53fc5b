import pytest

from .conftest import PHONE, log_in


@pytest.mark.django_db(transaction=True)
def test_a_client_logs_in_on_a_phone_and_lands_on_their_home(new_page, cast):
    page = new_page(PHONE)
    log_in(page, cast.client_user.email, cast.password)
    assert page.url.endswith("/me/")
    assert page.get_by_role("heading", name="Hi, Juniper").is_visible()
