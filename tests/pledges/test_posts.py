"""Pledges in the post kit (``pledges.posts``): one ready-made ``pledge`` post per public
pledge the local government leads, with the title, #WithRefugees and the pledge's public
address in the post's language; drafts and pledges awaiting review never."""

import pytest

from tests.factories import PledgeFactory
from withrefugees.pledges.models import CoPledger
from withrefugees.pledges.posts import post_occasions
from withrefugees.social import posts

pytestmark = pytest.mark.django_db


def test_an_approved_pledge_gives_a_post(lg):
    pledge = PledgeFactory(local_government=lg, status="sent_to_gcr")
    [occasion] = post_occasions(lg, language="ja")
    assert (occasion.key, occasion.occasion) == (f"pledge-{pledge.pk}", "pledge")
    assert occasion.title == pledge.title_ja
    assert occasion.values == {"pledge_title": pledge.title_ja,
                               "url": f"http://testserver/ja/pledges/{pledge.pk}/"}
    [english] = post_occasions(lg, language="en")
    assert english.values == {"pledge_title": pledge.title_en,
                              "url": f"http://testserver/en/pledges/{pledge.pk}/"}


def test_the_title_falls_back_to_the_other_language(lg):
    pledge = PledgeFactory(local_government=lg, status="published", gcr_reference="GRF-1",
                           title_en="")
    [occasion] = post_occasions(lg, language="en")
    assert occasion.values["pledge_title"] == pledge.title_ja


@pytest.mark.parametrize("status", ["draft", "submitted", "returned"])
def test_pledges_that_are_not_public_are_not_offered(lg, status):
    PledgeFactory(local_government=lg, status=status)
    assert post_occasions(lg, language="ja") == []


def test_only_pledges_the_local_government_leads(lg, other_lg):
    theirs = PledgeFactory(local_government=other_lg, status="sent_to_gcr")
    CoPledger.objects.create(pledge=theirs, local_government=lg)
    assert post_occasions(lg, language="ja") == []
    assert [o.key for o in post_occasions(other_lg, language="ja")] == [f"pledge-{theirs.pk}"]


def test_one_query_however_many_pledges(lg, django_assert_num_queries):
    for _ in range(4):
        PledgeFactory(local_government=lg, status="sent_to_gcr")
    with django_assert_num_queries(1):
        assert len(post_occasions(lg, language="ja")) == 4


def test_the_post_links_to_the_pledge_with_the_hashtag(lg):
    pledge = PledgeFactory(local_government=lg, status="sent_to_gcr")
    for language in ("ja", "en"):
        found = posts.ready_posts(language=language, name="府中市",
                                  url="http://testserver/profile/",
                                  extra_occasions=post_occasions(lg, language=language),
                                  mentions=[])
        post = found[-1]
        assert post.key == f"pledge-{pledge.pk}" and post.occasion == "pledge"
        assert pledge.localised("title", language) in post.text
        assert f"http://testserver/{language}/pledges/{pledge.pk}/" in post.text
        assert "http://testserver/profile/" not in post.text
        assert "#WithRefugees" in post.text


def test_the_kit_shows_an_approved_pledge_and_not_a_draft(client, lg, officer):
    approved = PledgeFactory(local_government=lg, status="sent_to_gcr",
                             title_ja="難民の子どもの学び&居場所")
    draft = PledgeFactory(local_government=lg, status="draft", title_ja="下書きの表明")
    client.force_login(officer)
    body = client.get(f"/en/workspace/{lg.pk}/post/?language=ja").content.decode()
    assert f'name="text_pledge-{approved.pk}"' in body
    assert "難民の子どもの学び&amp;居場所" in body
    assert f"/ja/pledges/{approved.pk}/" in body
    assert f'name="text_pledge-{draft.pk}"' not in body
    assert "下書きの表明" not in body
