"""Query-count guards on the public list pages: the number of database queries of a page
does not grow with the number of published signatories it lists (no N+1 queries)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import SignatureFactory, jp
from withrefugees.campaign.models import Signature

pytestmark = pytest.mark.django_db
S = Signature.Status

# Hokkaido cities (JIS X 0402), none signed in the campaign data. The campaign data's
# signatories are withdrawn first, so that N = 2 and 3N = 6 rows are all on every page
# (the home page lists the 8 newest, the directory 30 a page): each added signature is
# one more row, and a query per row would show.
HOKKAIDO = ["011002", "012025", "012033", "012041", "012050", "012068"]
N = 2

PAGES = [
    "/ja/",
    "/en/",
    "/ja/signatories/",
    "/en/signatories/",
    "/ja/signatories/?q=市",
    "/en/signatories/?q=city",
    "/ja/signatories/?country=JP",
    "/ja/signatories/?prefecture=JP-01",
    "/en/signatories/?country=JP&prefecture=JP-01&sort=name",
    "/ja/signatories/?sort=-date",
    "/en/signatories/?sort=date",
    "/ja/map/",
    "/en/map/",
]


def publish(codes: list[str], start: int) -> list[Signature]:
    # Later signatures are newer, so the home page's "recent" list shows them.
    return [SignatureFactory(local_government=jp(code), status=S.PUBLISHED,
                             signed_on=f"2026-02-{start + i + 1:02d}",
                             published_at=f"2026-02-{start + i + 1:02d}T00:00Z",
                             email=f"q{start + i}@x.example")
            for i, code in enumerate(codes)]


def queries(client, url: str) -> tuple[int, str]:
    client.get(url)  # warm up: session, caches, content types
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.fixture(autouse=True)
def _no_campaign_data_signatories():
    Signature.objects.published().update(status=S.WITHDRAWN)


@pytest.mark.parametrize("url", PAGES)
def test_queries_do_not_grow_with_the_number_of_signatories(client, url):
    first = publish(HOKKAIDO[:N], 0)
    with_n, body_n = queries(client, url)
    more = publish(HOKKAIDO[N:3 * N], N)
    with_3n, body_3n = queries(client, url)
    # The guard must be able to fail: the added rows are really on the page.
    newest = more[-1].local_government
    assert newest.name in body_3n or newest.name_en in body_3n, "rows not on the page"
    assert newest.name not in body_n and (not newest.name_en or newest.name_en not in body_n)
    for signature in first + more:  # every row is listed
        lg = signature.local_government
        assert lg.name in body_3n or lg.name_en in body_3n
    assert with_3n == with_n, (
        f"{url}: {with_n} queries with {N} more signatories, {with_3n} with {3 * N}")
