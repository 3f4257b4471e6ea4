"""Dates of record at their precision, and the sources of the campaign's records, on the
public profile page and in the directory (issue 6, §11): "before 2 May 2022" stays that."""

import datetime
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext, pgettext

from tests.factories import SignatureFactory, jp
from withrefugees.campaign.models import DatePrecision, Signature
from withrefugees.campaign.seed import signatory_records_load
from withrefugees.campaign.templatetags.campaign_dates import format_date_of_record

pytestmark = pytest.mark.django_db
P = DatePrecision
D = datetime.date
S = Signature.Status


def in_ja(template: str, **values) -> str:
    """``template`` as the Japanese catalogue gives it (the words around a date are
    translated strings), filled in."""
    with translation.override("ja"):
        return gettext(template) % values


@pytest.mark.parametrize("value,precision,en", [
    (D(2022, 5, 2), P.DAY, "May 2, 2022"),
    (D(2024, 4, 1), P.MONTH, "April 2024"),
    (D(2023, 1, 1), P.YEAR, "2023"),
    (D(2022, 5, 2), P.ON_OR_BEFORE, "on or before May 2, 2022"),
    (D(2018, 6, 1), P.ON_OR_BEFORE_MONTH, "in or before June 2018"),
    (D(2018, 1, 1), P.ON_OR_BEFORE_YEAR, "in or before 2018"),
    (None, P.UNKNOWN, "unknown"),
    (None, P.DAY, "unknown"),  # not signed yet (an unconfirmed online signature)
])
def test_each_precision_in_english(value, precision, en):
    with translation.override("en"):
        assert format_date_of_record(value, precision) == en


def test_each_precision_in_japanese():
    with translation.override("ja"):
        year = pgettext("year of a date", "%(year)s")
        assert format_date_of_record(D(2022, 5, 2), P.DAY) == "2022年5月2日"
        assert format_date_of_record(D(2024, 4, 1), P.MONTH) == "2024年4月"
        assert format_date_of_record(D(2023, 1, 1), P.YEAR) == year % {"year": 2023}
        assert format_date_of_record(D(2022, 5, 2), P.ON_OR_BEFORE) == in_ja(
            "on or before %(date)s", date="2022年5月2日")
        assert format_date_of_record(D(2018, 6, 1), P.ON_OR_BEFORE_MONTH) == in_ja(
            "in or before %(date)s", date="2018年6月")
        assert format_date_of_record(None, P.UNKNOWN) == "不明"
        # Never the day of a month-precision date, nor a month of a year-precision one.
        assert "1日" not in format_date_of_record(D(2024, 4, 1), P.MONTH)
        assert "月" not in format_date_of_record(D(2023, 1, 1), P.ON_OR_BEFORE_YEAR)


def test_japanese_wording_once_translated():
    """The catalogue's words: 2022年5月2日以前, 2018年6月以前, 2023年 (the integrator
    translates the new strings; until then this says what is missing)."""
    with translation.override("ja"):
        if gettext("on or before %(date)s") == "on or before %(date)s":
            pytest.skip("ja catalogue: 'on or before %(date)s' → '%(date)s以前' not yet added")
        assert format_date_of_record(D(2022, 5, 2), P.ON_OR_BEFORE) == "2022年5月2日以前"
        assert format_date_of_record(D(2018, 6, 1), P.ON_OR_BEFORE_MONTH) == "2018年6月以前"
        assert format_date_of_record(D(2023, 1, 1), P.YEAR) == "2023年"


def profile(client, lang: str, jis_code: str = "", **lookup) -> str:
    from withrefugees.places.models import LocalGovernment

    lg = jp(jis_code) if jis_code else LocalGovernment.objects.get(**lookup)
    response = client.get(f"/{lang}/signatories/{lg.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_profiles_show_the_date_at_its_precision_and_link_the_sources(client):
    signatory_records_load()
    shibuya = profile(client, "en", "131130")
    assert "<dd>on or before May 2, 2022</dd>" in shibuya and "<dd>May 2, 2022<" not in shibuya
    assert ('<a href="https://www.city.kumamoto.jp/kiji00355729/index.html" '
            'rel="noopener noreferrer external" lang="en">UNHCR Japan / municipal release</a>'
            in shibuya)
    assert 'href="http://www.unhcr.org/withrefugees/ar/cities/"' in shibuya
    assert "4th in Japan; also on UNHCR signatory list as &#x27;Shibuya, Japan&#x27;" in shibuya
    ja = profile(client, "ja", "131130")
    assert in_ja("on or before %(date)s", date="2022年5月2日") in ja
    assert "UNHCR Japan / municipal release" in ja
    assert "April 2024" in profile(client, "en", "232297")  # 豊明市: a month
    assert "2024年4月<" in profile(client, "ja", "232297")
    matsue = profile(client, "en", "322016")
    assert re.search(r"<dt>Date signed</dt><dd>unknown</dd>", matsue)
    assert "<dd>2023</dd>" in profile(client, "en", "131148")  # 中野区: a year
    paris = profile(client, "en", geonames_id=2988507)
    assert "on or before June 20, 2019" in paris
    assert "UNHCR press release 20 Jun 2019</a>: <span lang=\"en\">named as signatories" in paris
    chicago = profile(client, "en", name="Chicago", country_id="US")
    assert "in or before June 2018" in chicago


def test_a_profile_links_only_the_sources_and_an_online_signature_has_none(client):
    online = SignatureFactory(status=S.PUBLISHED, published_at="2026-01-01T00:00Z",
                              signed_on="2026-06-20")
    body = profile(client, "en", online.local_government.jis_code)
    assert "June 20, 2026" in body and "record-sources" not in body
    assert online.signed_on_precision == P.DAY


def test_the_directory_shows_dates_at_their_precision(client):
    signatory_records_load()
    body = client.get("/en/signatories/?country=JP&sort=date").content.decode()
    assert body.count("on or before May 2, 2022") == 4
    assert "April 2024" in body and "<td>2023</td>" in body and "<td>unknown</td>" in body
    assert "<td>May 2, 2022</td>" in body  # 瀬戸内市: the day is known


def test_the_profile_of_a_record_reads_its_sources_in_one_more_query(client,
                                                                     django_assert_num_queries):
    signatory_records_load()
    from withrefugees.profiles.selectors import profile_page

    lg = jp("131130")
    with django_assert_num_queries(4, exact=False):
        page = profile_page(lg.pk)
    assert len(page.sections[0].data.sources) == 2
