"""The workspace home: straight to the dashboard of one's local government, a choice among
several, how to get access with none; staff are sent to the admin or to set up TOTP."""

import pytest

pytestmark = pytest.mark.django_db
HOME = "/en/workspace/"


def get(client, user, lang="en"):
    client.force_login(user)
    return client.get(f"/{lang}/workspace/")


def test_anonymous_visitor_goes_to_the_sign_in_page(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/workspace/"


def test_officer_of_one_local_government_goes_to_its_dashboard(client, officer, lg):
    response = get(client, officer)
    assert response.status_code == 302 and response["Location"] == f"/en/workspace/{lg.pk}/"


def test_officer_of_several_chooses_and_the_last_one_opened_is_marked(client, make_officer,
                                                                       lg, other_lg):
    both = make_officer(lg, also=[other_lg])
    response = get(client, both)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/en/workspace/{lg.pk}/"' in html
    assert f'href="/en/workspace/{other_lg.pk}/"' in html
    assert "(opened last)" not in html
    assert client.get(f"/en/workspace/{other_lg.pk}/").status_code == 200
    assert client.session["workspace_lg"] == other_lg.pk
    html = client.get(HOME).content.decode()
    assert f'href="/en/workspace/{other_lg.pk}/">Chofu City' in html
    assert html.index(f"/en/workspace/{other_lg.pk}/") < html.index("(opened last)")


def test_the_dashboard_switches_between_local_governments(client, make_officer, lg,
                                                          other_lg, officer):
    both = make_officer(lg, also=[other_lg])
    client.force_login(both)
    html = client.get(f"/en/workspace/{other_lg.pk}/").content.decode()
    assert 'aria-label="Switch local government"' in html
    assert f'<a href="/en/workspace/{lg.pk}/">Fuchu City' in html
    assert f'<a href="/en/workspace/{other_lg.pk}/" aria-current="true">Chofu City' in html
    # One local government: no switcher.
    client.force_login(officer)
    html = client.get(f"/en/workspace/{lg.pk}/").content.decode()
    assert "Switch local government" not in html


def test_someone_without_a_local_government_learns_how_to_get_access(client, settings):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user(email="someone@example.jp")
    response = get(client, nobody)
    html = response.content.decode()
    assert response.status_code == 200
    assert "not an officer of a local government yet" in html
    assert "invit" in html and f"mailto:{settings.CAMPAIGN_CONTACT_EMAIL}" in html
    assert "/admin/" not in html
    ja = get(client, nobody, "ja").content.decode()
    assert '<html lang="ja">' in ja and settings.CAMPAIGN_CONTACT_EMAIL in ja


def test_staff_with_a_second_factor_get_the_admin_link(client, staff):
    html = get(client, staff).content.decode()
    assert 'href="/en/admin/"' in html
    assert "authenticator" not in html
    assert "not an officer of a local government yet" not in html


def test_staff_without_a_second_factor_must_set_one_up_first(client, staff_without_totp):
    html = get(client, staff_without_totp).content.decode()
    assert 'href="/en/accounts/2fa/totp/activate/"' in html
    assert "authenticator app" in html
    assert 'href="/en/admin/"' not in html
