from django.urls import reverse


def test_the_login_page_renders(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b"Log in" in response.content


def test_the_api_schema_is_served(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/clients/" in response.content
