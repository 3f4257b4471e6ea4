"""The World Refugee Day page of a year (issue 9, section 3): the landmarks lit in blue on a
map and in a list (approximate points said to be so), counts by country and prefecture,
photos, the platform's count and, apart from it, the total reported for the year with its
source; links between the years; the latest year's address."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import EventFactory, LandmarkFactory, jp
from withrefugees.events.models import ReportedTotal

pytestmark = pytest.mark.django_db


def get(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.content.decode()


def lightup(year: int, landmark=None, *, record: bool = False, **kwargs):
    """An approved light-up of ``year`` (20 June, all day), or a campaign record of the year
    only (``record``)."""
    landmark = landmark or LandmarkFactory()
    extra = {"origin": "reference", "date_precision": "year"} if record else {}
    return EventFactory(kind="light_up", landmark=landmark,
                        local_government=landmark.local_government, all_day=True,
                        starts_at=None, ends_at=None,
                        start_date=datetime.date(year, 6, 20), **extra, **kwargs)


def map_points(body: str) -> list[dict]:
    return json.loads(body.split('<script id="map-points" type="application/json">')[1]
                      .split("</script>")[0])


@pytest.fixture
def year_2024():
    """Three landmarks lit in 2024 (two in Tokyo, one in Hokkaido, one with an approximate
    point), with a photo; the reported total of 58; a draft and a cancelled light-up that
    must not count."""
    sapporo = jp("011002")
    tower = LandmarkFactory(local_government=sapporo, name_ja="さっぽろテレビ塔",
                            name_en="Sapporo TV Tower", latitude=43.061, longitude=141.356)
    fuchu = LandmarkFactory(name_ja="府中の森", name_en="Fuchu Forest", latitude=35.67,
                            longitude=139.48, point_approximate=True)
    chofu = LandmarkFactory(local_government=jp("132080"), name_ja="調布の橋",
                            name_en="", latitude=None, longitude=None)
    lit = [lightup(2024, tower, record=True, sources="https://prtimes.jp/a"),
           lightup(2024, fuchu), lightup(2024, chofu)]
    lit[1].photos.create(image="events/photos/fuchu.jpg", alt="青く光る森", credit="府中市")
    lightup(2024, status="draft", was_approved=False, title_en="Draft light-up")
    lightup(2024, status="cancelled", was_approved=True, title_en="Called-off light-up")
    ReportedTotal.objects.create(year=2024, total=58, text_ja="58か所", text_en="58 landmarks",
                                 source_url="https://www.unhcr.org/jp/2024",
                                 source_label="UNHCR Japan")
    return lit


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_year_lists_and_maps_the_landmarks_lit(client, year_2024, lang):
    body = get(client, f"/{lang}/world-refugee-day/2024/")
    assert f'<html lang="{lang}">' in body
    for name in ("さっぽろテレビ塔", "府中の森", "調布の橋") if lang == "ja" else (
            "Sapporo TV Tower", "Fuchu Forest"):
        assert name in body
    if lang == "en":
        assert '<a href="/en/events/' in body and 'lang="ja">調布の橋</a>' in body
    assert "Draft light-up" not in body and "Called-off light-up" not in body
    points = map_points(body)
    assert len(points) == 3  # 調布の橋 at its local government's point
    assert sum(p["approximate"] for p in points) == 2
    assert '<script src="/static/js/wrd-map.js"></script>' in body
    assert '<div id="map" class="map" role="region"' in body
    if lang == "en":
        assert "World Refugee Day 2024" in body
        # Said once above the list and in the key to the map; each row has a short word.
        assert body.count("the map shows it at the point of its local government") == 1
        assert body.count('<span aria-hidden="true">~ </span>approximate</span>') == 2
        assert "3 landmarks" in body and "<span>58 landmarks</span>" in body
        assert 'href="https://www.unhcr.org/jp/2024"' in body and "UNHCR Japan" in body
        assert 'alt="青く光る森"' in body and "Photo: 府中市" in body


def test_counts_by_country_and_prefecture(client, year_2024):
    body = get(client, "/en/world-refugee-day/2024/")
    by_country = body.split("Landmarks by country")[1].split("</table>")[0]
    assert "<th scope=\"row\">Japan</th><td>3</td>" in by_country
    by_prefecture = body.split("Landmarks by prefecture")[1].split("</table>")[0]
    assert ">Tokyo</a></th><td>2</td>" in by_prefecture
    assert ">Hokkaido</a></th><td>1</td>" in by_prefecture
    assert by_prefecture.index("Tokyo") < by_prefecture.index("Hokkaido")  # most first


def test_links_between_years_and_a_year_without_records(client, year_2024):
    lightup(2019)
    ReportedTotal.objects.create(year=2021, total=23)
    body = get(client, "/en/world-refugee-day/2024/")
    assert 'href="/en/world-refugee-day/2019/"' in body
    assert 'href="/en/world-refugee-day/2021/"' in body
    assert '<span aria-current="page">2024</span>' in body
    empty = get(client, "/en/world-refugee-day/2021/")
    assert "No light-up is recorded on this platform for World Refugee Day 2021." in empty
    assert "0 landmarks" in empty and "23 landmarks" in empty and 'id="map"' not in empty
    ReportedTotal.objects.filter(year=2021).update(text_ja="約20か所")
    assert '<span lang="ja">約20か所</span>' in get(client, "/en/world-refugee-day/2021/")
    nothing = get(client, "/ja/world-refugee-day/2020/")
    assert "2020" in nothing and 'id="map"' not in nothing


@pytest.mark.parametrize("year", [99999, 1990, 2017, 0])
def test_years_out_of_range_are_404(client, year):
    get(client, f"/en/world-refugee-day/{year}/", 404)


def test_next_years_are_pages_too(client):
    year = timezone.localdate().year + 1
    assert "World Refugee Day" in get(client, f"/en/world-refugee-day/{year}/")


def test_latest_goes_to_the_latest_year_with_light_ups(client):
    this_year = timezone.localdate().year
    response = client.get("/en/world-refugee-day/")
    assert response.status_code == 302
    assert response["Location"] == f"/en/world-refugee-day/{this_year}/"
    lightup(2022)
    lightup(2023)
    lightup(2023, status="submitted", was_approved=False)
    lightup(this_year + 3)  # planned, not the latest to have happened
    response = client.get("/ja/world-refugee-day/")
    assert response["Location"] == "/ja/world-refugee-day/2023/"


def test_a_landmark_lit_twice_in_a_year_counts_once(client):
    landmark = LandmarkFactory()
    lightup(2025, landmark)
    lightup(2025, landmark, record=True)
    body = get(client, "/en/world-refugee-day/2025/")
    assert "1 landmark<" in body and len(map_points(body)) == 1


def test_queries_do_not_grow_with_landmarks(client, django_assert_max_num_queries):
    lightup(2024).photos.create(image="events/photos/0.jpg", alt="写真", credit="府中市")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            get(client, "/en/world-refugee-day/2024/")
        return len(captured)

    small = count()
    for i, code in enumerate(["011002", "132080", "271004", "401307"] * 3):
        event = lightup(2024, LandmarkFactory(local_government=jp(code)))
        event.photos.create(image=f"events/photos/{i}.jpg", alt=f"写真{i}", credit="市")
    assert count() == small
    # The light-ups, the reported total, the photos, the years (light-ups, totals).
    with django_assert_max_num_queries(5):
        get(client, "/en/world-refugee-day/2024/")
