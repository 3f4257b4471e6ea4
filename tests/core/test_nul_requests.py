"""No NUL character reaches a view or the database through a GET path (issue 6, §8:
``/places/search.json?q=a%00`` was a 500 on PostgreSQL)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/ja/places/search.json?q=a%00", "/ja/places/search.json?q=%00",
    "/ja/signatories/?q=%E6%B8%8B%00", "/en/signatories/?country=J%00P",
    "/ja/signatories/?sort=name&%00=1", "/ja/sign/?lg=1%00", "/en/map/?x=%00",
])
def test_a_nul_in_the_query_string_is_a_bad_request(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "\x00" not in response.content.decode()


def test_the_same_requests_without_nul_are_fine(client):
    assert client.get("/ja/places/search.json?q=a").status_code == 200
    assert client.get("/ja/signatories/?q=%E6%B8%8B").status_code == 200


@pytest.mark.django_db
def test_the_autocomplete_gets_json_for_a_nul(client):
    """search.json?q=a%00 answered an HTML page to a script (found by a new-user trial)."""
    response = client.get("/ja/places/search.json?q=a%00")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"] == "nul_character"
