"""Recognising the address of a post (``social.links.recognise``): accepted addresses per
network with their normalised form, refused ones with their reason code, look-alike hosts,
and messages that say why and what to do."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from withrefugees.social.links import MAX_LENGTH, MESSAGES, recognise

# (typed, stored, network)
ACCEPTED = [
    # X (Twitter): /<name>/status/<id>, whatever the host, tracking and photo suffix.
    ("https://x.com/UNHCR_Japan/status/1790000000000000000",
     "https://x.com/UNHCR_Japan/status/1790000000000000000", "x"),
    ("https://x.com/UNHCR_Japan/status/1790000000000000000?s=20&t=AbC#m",
     "https://x.com/UNHCR_Japan/status/1790000000000000000", "x"),
    ("https://twitter.com/fuchu_city/status/123/photo/1",
     "https://x.com/fuchu_city/status/123", "x"),
    ("https://mobile.twitter.com/fuchu_city/status/123",
     "https://x.com/fuchu_city/status/123", "x"),
    ("http://www.x.com/fuchu_city/status/123", "https://x.com/fuchu_city/status/123", "x"),
    ("HTTPS://X.COM/fuchu_city/status/123", "https://x.com/fuchu_city/status/123", "x"),
    ("x.com/fuchu_city/status/123", "https://x.com/fuchu_city/status/123", "x"),
    ("https://x.com:443/fuchu_city/status/123", "https://x.com/fuchu_city/status/123", "x"),
    ("https://x.com./fuchu_city/status/123", "https://x.com/fuchu_city/status/123", "x"),
    ("https://x.com/i/web/status/123", "https://x.com/i/web/status/123", "x"),
    ("  https://x.com/a/status/1\n", "https://x.com/a/status/1", "x"),
    ("\u3000https://x.com/a/status/1\u3000", "https://x.com/a/status/1", "x"),  # full-width
    ("\u200bhttps://x.com/a/status/1", "https://x.com/a/status/1", "x"),
    # Facebook: many forms; only identifying parameters are kept.
    ("https://www.facebook.com/fuchu.city/posts/pfbid02abc",
     "https://www.facebook.com/fuchu.city/posts/pfbid02abc", "facebook"),
    ("https://m.facebook.com/fuchu.city/posts/pfbid02abc/?mibextid=Nif5oz&__cft__[0]=AZ",
     "https://www.facebook.com/fuchu.city/posts/pfbid02abc", "facebook"),
    ("https://www.facebook.com/permalink.php?story_fbid=123&id=456&__tn__=K-R",
     "https://www.facebook.com/permalink.php?story_fbid=123&id=456", "facebook"),
    ("https://www.facebook.com/photo/?fbid=789&set=a.123&fbclid=IwAR0",
     "https://www.facebook.com/photo?fbid=789&set=a.123", "facebook"),
    ("https://www.facebook.com/watch/?v=123456", "https://www.facebook.com/watch?v=123456",
     "facebook"),
    ("https://www.facebook.com/share/p/1AbCdEf/", "https://www.facebook.com/share/p/1AbCdEf",
     "facebook"),
    ("https://fb.com/fuchu.city/posts/1", "https://www.facebook.com/fuchu.city/posts/1",
     "facebook"),
    ("https://fb.watch/abcDEF/?mibextid=1", "https://fb.watch/abcDEF", "facebook"),
    # Instagram: /p/, /reel/ (also under the account's name), /tv/.
    ("https://www.instagram.com/p/C7abc-_1/?igsh=MWQ1ZGUx",
     "https://www.instagram.com/p/C7abc-_1/", "instagram"),
    ("https://instagram.com/p/C7abc", "https://www.instagram.com/p/C7abc/", "instagram"),
    ("https://www.instagram.com/reels/C7abc/", "https://www.instagram.com/reel/C7abc/",
     "instagram"),
    ("https://www.instagram.com/fuchu_city/p/C7abc/?img_index=2",
     "https://www.instagram.com/p/C7abc/", "instagram"),
    # YouTube: one form per video; si, t, list and feature dropped.
    ("https://youtu.be/dQw4w9WgXcQ?si=Ab12", "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
     "youtube"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=30s&list=PL1&feature=share",
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
    ("https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
    ("https://www.youtube.com/live/dQw4w9WgXcQ?si=x",
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ",
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
    ("https://youtube.com/shorts/dQw4w9WgXcQ?feature=share",
     "https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube"),
    ("https://www.youtube.com/post/UgkxAbc", "https://www.youtube.com/post/UgkxAbc",
     "youtube"),
    ("https://www.youtube.com/@UNHCR/community?lb=UgkxAbc",
     "https://www.youtube.com/post/UgkxAbc", "youtube"),
    # LINE: LINE VOOM posts, public posts, lin.ee short links.
    ("https://linevoom.line.me/post/1170000000000000000",
     "https://linevoom.line.me/post/1170000000000000000", "line"),
    ("https://line.me/R/home/public/post?id=%40fuchu&postId=117&utm_source=copy",
     "https://line.me/R/home/public/post?id=%40fuchu&postId=117", "line"),
    ("https://lin.ee/AbCd123", "https://lin.ee/AbCd123", "line"),
    # Bluesky.
    ("https://bsky.app/profile/fuchu.bsky.social/post/3kxyzabc",
     "https://bsky.app/profile/fuchu.bsky.social/post/3kxyzabc", "bluesky"),
    ("https://bsky.app/profile/did:plc:abc123/post/3kxyz?ref_src=embed",
     "https://bsky.app/profile/did:plc:abc123/post/3kxyz", "bluesky"),
    # Threads: threads.net now sends to threads.com.
    ("https://www.threads.net/@fuchu_city/post/C8AbC?xmt=AQG&slof=1",
     "https://www.threads.com/@fuchu_city/post/C8AbC", "threads"),
    ("https://threads.com/@fuchu_city/post/C8AbC",
     "https://www.threads.com/@fuchu_city/post/C8AbC", "threads"),
    # Mastodon: well-known servers.
    ("https://mstdn.jp/@fuchu/112233445566", "https://mstdn.jp/@fuchu/112233445566",
     "mastodon"),
    ("https://mastodon.social/@unhcr/1?utm_medium=x", "https://mastodon.social/@unhcr/1",
     "mastodon"),
    ("https://fedibird.com/users/fuchu/statuses/99", "https://fedibird.com/users/fuchu/statuses/99",
     "mastodon"),
    ("https://pawoo.net/web/@fuchu/5", "https://pawoo.net/@fuchu/5", "mastodon"),
    ("https://mastodon.social/@fuchu@mstdn.jp/7", "https://mastodon.social/@fuchu@mstdn.jp/7",
     "mastodon"),
    # LinkedIn.
    ("https://www.linkedin.com/posts/unhcr_withrefugees-activity-7200-AbCd?utm_source=share"
     "&utm_medium=member_desktop",
     "https://www.linkedin.com/posts/unhcr_withrefugees-activity-7200-AbCd", "linkedin"),
    ("https://jp.linkedin.com/feed/update/urn:li:activity:7200/",
     "https://www.linkedin.com/feed/update/urn:li:activity:7200", "linkedin"),
]


@pytest.mark.parametrize("typed, stored, network", ACCEPTED)
def test_accepted_addresses_are_normalised(typed, stored, network):
    found = recognise(typed)
    assert (found.url, found.network) == (stored, network)
    assert recognise(found.url) == found  # normalising twice changes nothing


# (typed, code)
REFUSED = [
    ("", "empty"), ("   ", "empty"), ("\u3000", "empty"),
    ("https://x.com/a/status/1?" + "a" * MAX_LENGTH, "too_long"),
    ("https://x.com/a b/status/1", "malformed"),
    ("https://x.com/a\tb/status/1", "malformed"),
    ("https://x.com/a\x00/status/1", "malformed"),
    ("https://", "malformed"),
    ("https:x.com/a/status/1", "malformed"),
    ("https://x.com:99999999/a/status/1", "malformed"),
    ("javascript:alert(1)", "scheme"),
    ("JavaScript:alert(document.cookie)//https://x.com/a/status/1", "scheme"),
    ("data:text/html,<script>alert(1)</script>", "scheme"),
    ("ftp://x.com/a/status/1", "scheme"),
    ("mailto:kouhou@city.fuchu.tokyo.jp", "scheme"),
    ("file:///etc/passwd", "scheme"),
    ("intent://x.com/a/status/1#Intent;end", "scheme"),
    ("https://user:secret@x.com/a/status/1", "credentials"),
    ("https://x.com@evil.example/a/status/1", "credentials"),
    ("https://203.0.113.5/a/status/1", "ip_address"),
    ("https://[2001:db8::1]/a/status/1", "ip_address"),
    ("https://2130706433/a", "ip_address"),
    ("https://0x7f000001/a", "ip_address"),
    ("203.0.113.5/a/status/1", "ip_address"),
    ("https://x.com:8443/a/status/1", "port"),
    ("http://x.com:443/a/status/1", "port"),
    ("https://x.com.evil.example/a/status/1", "lookalike_host"),
    ("https://facebook.com-login.example/fuchu/posts/1", "lookalike_host"),
    ("https://myfacebook.com/fuchu/posts/1", "lookalike_host"),
    ("https://youtube.com.example.org/watch?v=dQw4w9WgXcQ", "lookalike_host"),
    ("https://xn--fcebook-8va.com/fuchu/posts/1", "lookalike_host"),  # punycode
    ("https://f\u0430cebook.com/fuchu/posts/1", "lookalike_host"),  # Cyrillic а
    ("https://\u0445.com/a/status/1", "lookalike_host"),  # Cyrillic х
    ("https://ｘ.com/a/status/1", "lookalike_host"),  # full-width
    ("https://evilx.com/a/status/1", "unknown_host"),
    ("https://example.org/post/1", "unknown_host"),
    ("example.org/post/1", "unknown_host"),
    ("https://city.fuchu.tokyo.jp/news/1.html", "unknown_host"),
    ("https://mastodon.example/@fuchu/1", "unknown_host"),
    ("https://t.co/AbC", "unknown_host"),
    ("https://lnkd.in/AbC", "unknown_host"),
    ("localhost/a", "unknown_host"),
    # Accounts, feeds, searches, redirects: not one post.
    ("https://x.com/fuchu_city", "not_a_post"),
    ("https://x.com/fuchu_city/with_replies", "not_a_post"),
    ("https://twitter.com/", "not_a_post"),
    ("https://x.com/hashtag/WithRefugees", "not_a_post"),
    ("https://x.com/search?q=%23WithRefugees", "not_a_post"),
    ("https://bsky.app/profile/fuchu.bsky.social", "not_a_post"),
    ("https://bsky.app/search?q=WithRefugees", "not_a_post"),
    ("https://www.facebook.com/fuchu.city", "not_a_post"),
    ("https://www.facebook.com/fuchu.city/photos", "not_a_post"),
    ("https://www.facebook.com/profile.php?id=1000", "not_a_post"),
    ("https://www.facebook.com/hashtag/withrefugees", "not_a_post"),
    ("https://www.facebook.com/groups/12345", "not_a_post"),
    ("https://l.facebook.com/l.php?u=https%3A%2F%2Fevil.example", "not_a_post"),
    ("https://www.instagram.com/fuchu_city/", "not_a_post"),
    ("https://www.instagram.com/explore/tags/withrefugees/", "not_a_post"),
    ("https://www.youtube.com/@UNHCR", "not_a_post"),
    ("https://www.youtube.com/channel/UC123", "not_a_post"),
    ("https://www.youtube.com/playlist?list=PL1", "not_a_post"),
    ("https://www.youtube.com/watch", "not_a_post"),
    ("https://www.youtube.com/redirect?q=https://evil.example", "not_a_post"),
    ("https://line.me/R/ti/p/@fuchu", "not_a_post"),
    ("https://page.line.me/fuchu", "not_a_post"),
    ("https://www.threads.net/@fuchu_city", "not_a_post"),
    ("https://mstdn.jp/@fuchu", "not_a_post"),
    ("https://www.linkedin.com/company/unhcr/", "not_a_post"),
    ("https://www.linkedin.com/in/someone", "not_a_post"),
    ("https://www.linkedin.com/redir/redirect?url=https%3A%2F%2Fevil.example", "not_a_post"),
]


@pytest.mark.parametrize("typed, code", REFUSED)
def test_refused_addresses_say_why(typed, code):
    with pytest.raises(ValidationError) as refused:
        recognise(typed)
    assert refused.value.code == code


def test_every_code_has_a_message_that_says_what_to_do():
    codes = {code for _typed, code in REFUSED}
    assert codes == set(MESSAGES)
    with translation.override("en"):
        for typed, _code in REFUSED:
            with pytest.raises(ValidationError) as refused:
                recognise(typed)
            message = refused.value.messages[0]
            assert "%(" not in message  # every parameter filled in
            assert len(message) > 30, (typed, message)


@pytest.mark.parametrize("typed, words", [
    ("https://x.com/fuchu_city", ["an account's page", "X", "copy its address"]),
    ("https://bsky.app/profile/fuchu.bsky.social", ["an account's page", "Bluesky"]),
    ("https://x.com.evil.example/a/status/1", ["x.com.evil.example", "not a site of X"]),
    ("https://f\u0430cebook.com/p/posts/1", ["not a site of Facebook"]),
    ("javascript:alert(1)", ["javascript:", "https://"]),
    ("https://example.org/1", ["example.org", "Mastodon"]),
    ("https://x.com:8443/a/status/1", [":8443"]),
])
def test_messages_name_the_problem(typed, words):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        recognise(typed)
    message = refused.value.messages[0]
    for word in words:
        assert word in message


def test_messages_are_translated():
    with translation.override("ja"), pytest.raises(ValidationError) as refused:
        recognise("")
    with translation.override("en"), pytest.raises(ValidationError) as english:
        recognise("")
    # Translated once the lead's catalogue has the string; the code is the same either way.
    assert refused.value.code == english.value.code == "empty"


def test_mastodon_servers_from_the_settings(settings):
    with pytest.raises(ValidationError):
        recognise("https://social.city.example/@fuchu/1")
    settings.SOCIAL_MASTODON_HOSTS = ["Social.City.Example"]
    found = recognise("https://social.city.example/@fuchu/1")
    assert (found.url, found.network) == ("https://social.city.example/@fuchu/1", "mastodon")
    with pytest.raises(ValidationError) as refused:  # its subdomains are not the server
        recognise("https://evil.social.city.example/@fuchu/1")
    assert refused.value.code == "unknown_host"


def test_non_ascii_path_is_percent_encoded_and_the_same_post_compares_equal():
    typed = "https://www.facebook.com/府中市/posts/1"
    found = recognise(typed)
    assert found.url == "https://www.facebook.com/%E5%BA%9C%E4%B8%AD%E5%B8%82/posts/1"
    assert recognise(found.url).url == found.url


def test_the_stored_form_fits_the_model():
    from withrefugees.social.models import PostedLink

    assert PostedLink._meta.get_field("url").max_length == MAX_LENGTH
    long_ok = "https://www.facebook.com/a/posts/" + "1" * (MAX_LENGTH - 40)
    assert len(recognise(long_ok).url) <= MAX_LENGTH
