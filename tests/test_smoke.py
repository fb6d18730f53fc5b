from django.urls import reverse


def test_the_login_page_renders(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b"Log in" in response.content


def test_the_api_schema_is_served(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/clients/" in response.content


def test_the_system_checks_pass(db):
    from django.core.management import call_command

    call_command("check")


def test_no_app_has_a_model_change_without_its_migration(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", check=True, dry_run=True, stdout=out)
    assert "No changes detected" in out.getvalue()
