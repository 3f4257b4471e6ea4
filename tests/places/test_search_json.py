"""The autocomplete's JSON search under its rate limit (issue 6, §8)."""

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(settings, tmp_path):
    settings.RATELIMIT_ENABLE = True
    settings.CACHES = {**settings.CACHES, "ratelimit": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "search"}}
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def test_over_the_limit_the_search_answers_json_saying_it_is_busy(client, limited):
    url = "/ja/places/search.json"
    # The whole minute's allowance of one address (a shared gateway), then one more.
    codes = {client.get(url, {"q": ""}).status_code for _ in range(1200)}
    assert codes == {200}
    response = client.get(url, {"q": "渋谷"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 429 and response["Content-Type"] == "application/json"
    data = response.json()
    assert data["busy"] is True and data["results"] == [] and data["message"]


def test_a_page_over_its_limit_is_still_a_page(client, limited):
    from withrefugees.core.views import ratelimited

    request = client.get("/ja/").wsgi_request
    response = ratelimited(request, Exception())
    assert response.status_code == 429 and response["Content-Type"].startswith("text/html")
