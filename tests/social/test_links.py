"""Recognising the address of a post (``social.links.recognise``): accepted addresses per
network with their normalised form and post identity, the same post under several
addresses, refused ones with their reason code (what is not a post, look-alike hosts,
other scripts' digits), hosts typed full-width, and messages that say why and what to do."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from withrefugees.social import links
from withrefugees.social.links import MAX_LENGTH, MESSAGES, recognise

# (typed, stored, network, post identity)
ACCEPTED = [
    # X (Twitter): /<name>/status/<id>, whatever the host, tracking and photo suffix; the
    # name lower-cased; the identity is the status id alone.
    ("https://x.com/UNHCR_Japan/status/1790000000000000000",
     "https://x.com/unhcr_japan/status/1790000000000000000", "x", "x:1790000000000000000"),
    ("https://x.com/UNHCR_Japan/status/1790000000000000000?s=20&t=AbC#m",
     "https://x.com/unhcr_japan/status/1790000000000000000", "x", "x:1790000000000000000"),
    ("https://twitter.com/fuchu_city/status/123/photo/1",
     "https://x.com/fuchu_city/status/123", "x", "x:123"),
    ("https://mobile.twitter.com/fuchu_city/status/123",
     "https://x.com/fuchu_city/status/123", "x", "x:123"),
    ("https://mobile.x.com/fuchu_city/status/123",
     "https://x.com/fuchu_city/status/123", "x", "x:123"),
    ("http://www.x.com/fuchu_city/status/123", "https://x.com/fuchu_city/status/123", "x",
     "x:123"),
    ("HTTPS://X.COM/fuchu_city/status/123", "https://x.com/fuchu_city/status/123", "x",
     "x:123"),
    ("x.com/fuchu_city/status/123", "https://x.com/fuchu_city/status/123", "x", "x:123"),
    ("https://x.com:443/fuchu_city/status/123", "https://x.com/fuchu_city/status/123", "x",
     "x:123"),
    ("https://x.com./fuchu_city/status/123", "https://x.com/fuchu_city/status/123", "x",
     "x:123"),
    ("https://x.com/i/web/status/123", "https://x.com/i/web/status/123", "x", "x:123"),
    ("https://x.com/i/status/123", "https://x.com/i/web/status/123", "x", "x:123"),
    ("https://x.com/I/status/123", "https://x.com/i/web/status/123", "x", "x:123"),
    ("https://x.com/a/status/123/analytics", "https://x.com/a/status/123", "x", "x:123"),
    ("  https://x.com/a/status/1\n", "https://x.com/a/status/1", "x", "x:1"),
    ("\u3000https://x.com/a/status/1\u3000", "https://x.com/a/status/1", "x", "x:1"),
    ("\u200bhttps://x.com/a/status/1", "https://x.com/a/status/1", "x", "x:1"),
    # Hosts typed full-width or with an ideographic full stop (an input method's), mapped
    # as browsers map them (UTS #46).
    ("https://ｘ.com/a/status/1", "https://x.com/a/status/1", "x", "x:1"),
    ("x。com/a/status/1", "https://x.com/a/status/1", "x", "x:1"),
    ("https://ｘ．ｃｏｍ/a/status/1", "https://x.com/a/status/1", "x", "x:1"),
    ("https://Ｘ.com｡/a/status/1", "https://x.com/a/status/1", "x", "x:1"),
    ("https://ｗｗｗ.ｆａｃｅｂｏｏｋ.ｃｏｍ/fuchu.city/posts/1",
     "https://www.facebook.com/fuchu.city/posts/1", "facebook", "facebook:post:1"),
    # Facebook: many forms; only identifying parameters are kept, sorted.
    ("https://www.facebook.com/fuchu.city/posts/pfbid02abc",
     "https://www.facebook.com/fuchu.city/posts/pfbid02abc", "facebook",
     "facebook:post:pfbid02abc"),
    ("https://m.facebook.com/fuchu.city/posts/pfbid02abc/?mibextid=Nif5oz&__cft__[0]=AZ",
     "https://www.facebook.com/fuchu.city/posts/pfbid02abc", "facebook",
     "facebook:post:pfbid02abc"),
    ("https://web.facebook.com/fuchu.city/posts/1", "https://www.facebook.com/fuchu.city/posts/1",
     "facebook", "facebook:post:1"),
    ("https://www.facebook.com/permalink.php?story_fbid=123&id=456&__tn__=K-R",
     "https://www.facebook.com/permalink.php?id=456&story_fbid=123", "facebook",
     "facebook:post:123"),
    ("https://www.facebook.com/story.php?id=2&story_fbid=1",
     "https://www.facebook.com/story.php?id=2&story_fbid=1", "facebook", "facebook:post:1"),
    ("https://www.facebook.com/photo/?fbid=789&set=a.123&fbclid=IwAR0",
     "https://www.facebook.com/photo?fbid=789", "facebook", "facebook:photo:789"),
    ("https://www.facebook.com/photo.php?fbid=789", "https://www.facebook.com/photo?fbid=789",
     "facebook", "facebook:photo:789"),
    ("https://www.facebook.com/fuchu.city/photos/a.123/789/",
     "https://www.facebook.com/fuchu.city/photos/a.123/789", "facebook", "facebook:photo:789"),
    ("https://www.facebook.com/watch/?v=123456", "https://www.facebook.com/watch?v=123456",
     "facebook", "facebook:video:123456"),
    ("https://www.facebook.com/fuchu.city/videos/a-title/123456/",
     "https://www.facebook.com/fuchu.city/videos/123456", "facebook", "facebook:video:123456"),
    ("https://www.facebook.com/reel/123456?s=yWDuG2", "https://www.facebook.com/reel/123456",
     "facebook", "facebook:video:123456"),
    ("https://www.facebook.com/share/p/1AbCdEf/", "https://www.facebook.com/share/p/1AbCdEf",
     "facebook", "facebook:share:p:1AbCdEf"),
    ("https://www.facebook.com/groups/fuchu/posts/42/",
     "https://www.facebook.com/groups/fuchu/posts/42", "facebook", "facebook:post:42"),
    ("https://www.facebook.com/events/555/", "https://www.facebook.com/events/555", "facebook",
     "facebook:event:555"),
    ("https://fb.com/fuchu.city/posts/1", "https://www.facebook.com/fuchu.city/posts/1",
     "facebook", "facebook:post:1"),
    ("https://fb.watch/abcDEF/?mibextid=1", "https://fb.watch/abcDEF", "facebook",
     "facebook:watch:abcDEF"),
    # Instagram: /p/, /reel/ (also under the account's name), /tv/; the code identifies.
    ("https://www.instagram.com/p/C7abc-_1/?igsh=MWQ1ZGUx",
     "https://www.instagram.com/p/C7abc-_1/", "instagram", "instagram:C7abc-_1"),
    ("https://instagram.com/p/C7abc", "https://www.instagram.com/p/C7abc/", "instagram",
     "instagram:C7abc"),
    ("https://www.instagram.com/reels/C7abc/", "https://www.instagram.com/reel/C7abc/",
     "instagram", "instagram:C7abc"),
    ("https://www.instagram.com/fuchu_city/p/C7abc/?img_index=2",
     "https://www.instagram.com/p/C7abc/", "instagram", "instagram:C7abc"),
    # YouTube: one form per video; si, t, list and feature dropped; a short is a video.
    ("https://youtu.be/dQw4w9WgXcQ?si=Ab12", "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
     "youtube", "youtube:video:dQw4w9WgXcQ"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=30s&list=PL1&feature=share",
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "youtube:video:dQw4w9WgXcQ"),
    ("https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "youtube:video:dQw4w9WgXcQ"),
    ("https://www.youtube.com/live/dQw4w9WgXcQ?si=x",
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "youtube:video:dQw4w9WgXcQ"),
    ("https://www.youtube.com/embed/dQw4w9WgXcQ",
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", "youtube:video:dQw4w9WgXcQ"),
    ("https://youtube.com/shorts/dQw4w9WgXcQ?feature=share",
     "https://www.youtube.com/shorts/dQw4w9WgXcQ", "youtube", "youtube:video:dQw4w9WgXcQ"),
    ("https://www.youtube.com/post/UgkxAbcdefgh", "https://www.youtube.com/post/UgkxAbcdefgh",
     "youtube", "youtube:post:UgkxAbcdefgh"),
    ("https://www.youtube.com/@UNHCR/community?lb=UgkxAbcdefgh",
     "https://www.youtube.com/post/UgkxAbcdefgh", "youtube", "youtube:post:UgkxAbcdefgh"),
    # LINE: LINE VOOM posts and public posts (parameters sorted).
    ("https://linevoom.line.me/post/1170000000000000000",
     "https://linevoom.line.me/post/1170000000000000000", "line",
     "line:post:1170000000000000000"),
    ("https://line.me/R/home/public/post?id=%40fuchu&postId=117&utm_source=copy",
     "https://line.me/R/home/public/post?id=%40fuchu&postId=117", "line", "line:post:117"),
    ("https://line.me/R/home/public/post?postId=117&id=%40fuchu",
     "https://line.me/R/home/public/post?id=%40fuchu&postId=117", "line", "line:post:117"),
    # Bluesky: handle (lower-cased) or DID; the record key alone identifies.
    ("https://bsky.app/profile/fuchu.bsky.social/post/3kxyzabc",
     "https://bsky.app/profile/fuchu.bsky.social/post/3kxyzabc", "bluesky",
     "bluesky:3kxyzabc"),
    ("https://bsky.app/profile/Fuchu.BSKY.social/post/3kxyzabc/liked-by",
     "https://bsky.app/profile/fuchu.bsky.social/post/3kxyzabc", "bluesky",
     "bluesky:3kxyzabc"),
    ("https://bsky.app/profile/did:plc:abc123/post/3kxyz?ref_src=embed",
     "https://bsky.app/profile/did:plc:abc123/post/3kxyz", "bluesky",
     "bluesky:3kxyz"),
    # Threads: threads.net now sends to threads.com; the code identifies.
    ("https://www.threads.net/@fuchu_city/post/C8AbC?xmt=AQG&slof=1",
     "https://www.threads.com/@fuchu_city/post/C8AbC", "threads", "threads:C8AbC"),
    ("https://threads.com/@Fuchu_City/post/C8AbC/media",
     "https://www.threads.com/@fuchu_city/post/C8AbC", "threads", "threads:C8AbC"),
    # Mastodon: well-known servers; the server and the status id identify.
    ("https://mstdn.jp/@fuchu/112233445566", "https://mstdn.jp/@fuchu/112233445566",
     "mastodon", "mastodon:mstdn.jp:112233445566"),
    ("https://mastodon.social/@unhcr/1?utm_medium=x", "https://mastodon.social/@unhcr/1",
     "mastodon", "mastodon:mastodon.social:1"),
    ("https://fedibird.com/users/fuchu/statuses/99", "https://fedibird.com/@fuchu/99",
     "mastodon", "mastodon:fedibird.com:99"),
    ("https://pawoo.net/web/@fuchu/5", "https://pawoo.net/@fuchu/5", "mastodon",
     "mastodon:pawoo.net:5"),
    ("https://mastodon.social/@fuchu@mstdn.jp/7", "https://mastodon.social/@fuchu@mstdn.jp/7",
     "mastodon", "mastodon:mastodon.social:7"),
    # LinkedIn: the activity (or share, ugcPost) id identifies.
    ("https://www.linkedin.com/posts/unhcr_withrefugees-activity-7200-AbCd?utm_source=share"
     "&utm_medium=member_desktop",
     "https://www.linkedin.com/posts/unhcr_withrefugees-activity-7200-AbCd", "linkedin",
     "linkedin:activity:7200"),
    ("https://jp.linkedin.com/feed/update/urn:li:activity:7200/",
     "https://www.linkedin.com/feed/update/urn:li:activity:7200", "linkedin",
     "linkedin:activity:7200"),
    ("https://www.linkedin.com/feed/update/urn%3Ali%3AugcPost%3A7300",
     "https://www.linkedin.com/feed/update/urn:li:ugcPost:7300", "linkedin",
     "linkedin:ugcpost:7300"),
]


@pytest.mark.parametrize("typed, stored, network, key", ACCEPTED)
def test_accepted_addresses_are_normalised(typed, stored, network, key):
    found = recognise(typed)
    assert (found.url, found.network, found.post_key) == (stored, network, key)
    assert recognise(found.url) == found  # normalising twice changes nothing


# Each group: addresses of one post, which must have one identity (and the groups differ).
SAME_POST = [
    ["https://x.com/City/status/111", "https://x.com/city/status/111",
     "https://x.com/other/status/111", "https://x.com/i/web/status/111",
     "https://twitter.com/i/status/111/photo/2", "https://mobile.twitter.com/x/status/111"],
    ["https://www.facebook.com/story.php?story_fbid=1&id=2",
     "https://www.facebook.com/story.php?id=2&story_fbid=1",
     "https://m.facebook.com/story.php?id=2&story_fbid=1&__tn__=%2As",
     "https://www.facebook.com/permalink.php?story_fbid=1&id=2",
     "https://www.facebook.com/fuchu.city/posts/1"],
    ["https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ",
     "https://www.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube.com/embed/dQw4w9WgXcQ"],
    ["https://www.instagram.com/p/C7abcde/", "https://www.instagram.com/reel/C7abcde/",
     "https://www.instagram.com/fuchu/p/C7abcde"],
    ["https://bsky.app/profile/fuchu.bsky.social/post/3kabc",
     "https://bsky.app/profile/FUCHU.bsky.social/post/3kabc/"],
    ["bsky.app/profile/city.bsky.social/post/3kabc123",
     "bsky.app/profile/did:plc:xyz/post/3kabc123"],  # the handle and the DID of one author
    ["https://www.threads.com/@fuchu/post/C8AbCdE", "https://threads.net/@other/post/C8AbCdE"],
    ["https://www.linkedin.com/posts/fuchu-activity-7200-AbCd",
     "https://www.linkedin.com/feed/update/urn:li:activity:7200"],
    ["https://linevoom.line.me/post/117",
     "https://line.me/R/home/public/post?id=%40fuchu&postId=117"],
    ["https://mstdn.jp/@fuchu/5", "https://mstdn.jp/users/fuchu/statuses/5",
     "https://www.mstdn.jp/web/@Fuchu/5"],
]


@pytest.mark.parametrize("addresses", SAME_POST)
def test_every_address_of_one_post_has_one_identity(addresses):
    assert len({recognise(address).post_key for address in addresses}) == 1


def test_other_posts_have_other_identities():
    keys = [recognise(group[0]).post_key for group in SAME_POST]
    keys += [recognise("https://mastodon.social/@fuchu/5").post_key,  # another server
             recognise("https://bsky.app/profile/fuchu.bsky.social/post/3kabd").post_key,
             recognise("https://www.instagram.com/p/C7abcdf/").post_key,  # letter case
             recognise("https://www.instagram.com/p/c7abcde/").post_key]
    assert len(set(keys)) == len(keys)


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
    ("https://ｘ.сom/a/status/1", "lookalike_host"),  # full-width x, Cyrillic с
    ("https://х。com/a/status/1", "lookalike_host"),  # Cyrillic х, full stop
    ("https://x.com：8443/a/status/1", "malformed"),  # a full-width colon
    ("https://evilx.com/a/status/1", "unknown_host"),
    ("https://example.org/post/1", "unknown_host"),
    ("example.org/post/1", "unknown_host"),
    ("https://city.fuchu.tokyo.jp/news/1.html", "unknown_host"),
    ("https://mastodon.example/@fuchu/1", "unknown_host"),
    ("https://t.co/AbC", "not_a_post"),  # X's short link (issue 8 review)
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
    # Subdomains of a network that are not one of its sites of posts.
    ("https://evil.x.com/a/status/1", "not_a_post"),
    ("https://api.twitter.com/a/status/1", "not_a_post"),
    ("https://evil.facebook.com/fuchu.city/posts/1", "not_a_post"),
    ("https://business.linkedin.com/posts/a-activity-7200-AbCd", "not_a_post"),
    ("https://studio.youtube.com/watch?v=dQw4w9WgXcQ", "not_a_post"),
    # Facebook's pages for signing in, sharing, warning about a link; bare feeds.
    ("https://www.facebook.com/login.php", "not_a_post"),
    ("https://www.facebook.com/login/?next=https%3A%2F%2Fevil.example", "not_a_post"),
    ("https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fevil.example", "not_a_post"),
    ("https://www.facebook.com/sharer.php?u=https://evil.example", "not_a_post"),
    ("https://www.facebook.com/dialog/share?app_id=1&href=https://evil.example", "not_a_post"),
    ("https://www.facebook.com/flx/warn/?u=https%3A%2F%2Fevil.example", "not_a_post"),
    ("https://www.facebook.com/watch", "not_a_post"),
    ("https://www.facebook.com/watch/?v=", "not_a_post"),
    ("https://www.facebook.com/reel", "not_a_post"),
    ("https://www.facebook.com/reel/", "not_a_post"),
    ("https://www.facebook.com/permalink.php?story_fbid=1", "not_a_post"),  # no id
    ("https://www.facebook.com/fuchu.city/posts", "not_a_post"),
    ("https://www.facebook.com/fuchu.city/posts/abc", "not_a_post"),
    ("https://www.facebook.com/plugins/post.php?href=https://evil.example", "not_a_post"),
    ("https://fb.watch/", "not_a_post"),
    # LinkedIn: signing in, sharing, a job.
    ("https://www.linkedin.com/login", "not_a_post"),
    ("https://www.linkedin.com/shareArticle?mini=true&url=https://evil.example", "not_a_post"),
    ("https://www.linkedin.com/authwall?trk=1&sessionRedirect=https://evil.example",
     "not_a_post"),
    ("https://www.linkedin.com/jobs/view/1", "not_a_post"),
    ("https://www.linkedin.com/feed/update/urn:li:group:1", "not_a_post"),
    ("https://www.linkedin.com/posts/no-id-here", "not_a_post"),
    # LINE: its site, logging in, LIFF apps, the share button, short links.
    ("https://line.me/en/", "not_a_post"),
    ("https://line.me/", "not_a_post"),
    ("https://access.line.me/oauth2/v2.1/authorize?client_id=1", "not_a_post"),
    ("https://liff.line.me/1234567890-AbCdEfGh/post/1", "not_a_post"),
    ("https://social-plugins.line.me/lineit/share?url=https://evil.example", "not_a_post"),
    ("https://lin.ee/AbCd123", "not_a_post"),
    ("https://linevoom.line.me/user/_dXyz", "not_a_post"),
    ("https://line.me/R/home/public/post?id=%40fuchu", "not_a_post"),  # no postId
    ("https://line.me/R/home/public/main?id=%40fuchu", "not_a_post"),
    # Ids in other scripts' digits (they pass str.isdigit) or with letters.
    ("https://x.com/a/status/١٢٣", "not_a_post"),  # Arabic-Indic
    ("https://x.com/a/status/１２３", "not_a_post"),  # full-width
    ("https://x.com/a/status/%EF%BC%91", "not_a_post"),  # full-width 1, percent-encoded
    ("https://x.com/a/status/12a", "not_a_post"),
    ("https://x.com/a/status/0123", "not_a_post"),
    ("https://mstdn.jp/@fuchu/١٢", "not_a_post"),
    ("https://mstdn.jp/users/fuchu/statuses/१", "not_a_post"),  # Devanagari
    ("https://www.facebook.com/watch/?v=١٢", "not_a_post"),
    ("https://www.facebook.com/fuchu.city/posts/١٢", "not_a_post"),
    ("https://linevoom.line.me/post/١٢", "not_a_post"),
    ("https://www.linkedin.com/feed/update/urn:li:activity:١٢", "not_a_post"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXc١", "not_a_post"),
    # Other pages on the networks' sites.
    ("https://x.com/intent/post?text=hi&url=https://evil.example", "not_a_post"),
    ("https://x.com/i/flow/login", "not_a_post"),
    ("https://www.instagram.com/accounts/login/?next=/p/C7abc/", "not_a_post"),
    ("https://www.instagram.com/p/", "not_a_post"),
    ("https://www.threads.com/login", "not_a_post"),
    ("https://bsky.app/profile/fuchu.bsky.social/post", "not_a_post"),
    ("https://bsky.app/profile/not_a_handle/post/3kabc", "not_a_post"),
    # X keeps these first segments for its own pages: never an account, never a post.
    *[(f"x.com/{word}/status/123", "not_a_post") for word in (
        "settings", "home", "search", "explore", "intent", "login", "messages",
        "notifications", "compose", "share", "Settings")],
    ("x.com/i/web/foo/status/123", "not_a_post"),
    ("x.com/a_name_longer_than_15/status/123", "not_a_post"),
    ("x.com/\uff23\uff49\uff54\uff59/status/1", "not_a_post"),
    ("x.com/city/status/\u0661\u0662\u0663", "not_a_post"),
    *[(f"https://www.linkedin.com/pulse/{word}", "not_a_post") for word in (
        "login", "signup", "authwall", "shareArticle", "topics", "edit")],
    ("https://youtu.be/", "not_a_post"),
    ("https://www.youtube.com/shorts/short", "not_a_post"),
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
    ("https://x.com/fuchu_city", ["an account's page", "X", "address (URL) of the post"]),
    ("https://bsky.app/profile/fuchu.bsky.social", ["an account's page", "Bluesky"]),
    ("https://x.com.evil.example/a/status/1", ["x.com.evil.example", "not a site of X"]),
    ("https://f\u0430cebook.com/p/posts/1", ["not a site of Facebook"]),
    ("javascript:alert(1)", ["javascript:", "https://"]),
    ("https://example.org/1", ["example.org", "Mastodon"]),
    ("https://x.com:8443/a/status/1", [":8443"]),
    ("https://www.facebook.com/login.php", ["signing in, sharing", "Facebook"]),
    ("https://evil.x.com/a/status/1", ["signing in, sharing", " X,"]),
    ("https://www.facebook.com/flx/warn/?u=https://evil.example", ["another site"]),
    ("https://lin.ee/AbCd123", ["short link", "LINE"]),
])
def test_messages_name_the_problem(typed, words):
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            recognise(typed)
        message = refused.value.messages[0]  # lazy: read while English is active
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


@pytest.mark.parametrize("typed", ["x.com/\uff23\uff49\uff54\uff59/status/1",
                                   "x.com/city/status/\u0661\u0662\u0663",
                                   "x.com/i/web/status/\u0661"])
def test_a_post_address_in_other_characters_is_not_called_a_sign_in_page(typed):
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            recognise(typed)
        message = refused.value.messages[0]
    assert refused.value.code == "not_a_post"
    assert "signing in, sharing" not in message
    assert "not a complete web address" in message and "%(" not in message


def test_x_and_the_i_web_form_still_accepted():
    assert recognise("x.com/i/web/status/123").post_key == "x:123"
    assert recognise("x.com/i/status/123").post_key == "x:123"
    assert recognise("x.com/_/status/123").post_key == "x:123"
    assert recognise("https://www.linkedin.com/pulse/login-tips-for-officers-abc").post_key \
        == "linkedin:pulse:login-tips-for-officers-abc"


def test_too_long_quotes_the_length_typed_not_the_encoded_one():
    typed = "https://www.facebook.com/" + "\u5e9c" * 98 + "/posts/1"  # encoded: 9 per one
    assert len(typed) == 131
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            recognise(typed)
        message = refused.value.messages[0]
    assert refused.value.code == "too_long"
    assert "This address is 131 characters long" in message


def test_non_ascii_path_is_percent_encoded_and_the_same_post_compares_equal():
    typed = "https://www.facebook.com/府中市/posts/1"
    found = recognise(typed)
    assert found.url == "https://www.facebook.com/%E5%BA%9C%E4%B8%AD%E5%B8%82/posts/1"
    assert recognise(found.url).url == found.url


def test_the_stored_form_fits_the_model():
    from withrefugees.social.models import PostedLink

    assert PostedLink._meta.get_field("url").max_length == MAX_LENGTH
    long_ok = "https://www.facebook.com/" + "a" * (MAX_LENGTH - 40) + "/posts/1"
    found = recognise(long_ok)
    assert len(found.url) <= MAX_LENGTH
    assert PostedLink._meta.get_field("post_key").max_length == links.POST_KEY_MAX_LENGTH
    assert len(found.post_key) <= links.POST_KEY_MAX_LENGTH


@pytest.mark.parametrize("length", [MAX_LENGTH + 1, 2_000, 2_001, 10_000])
def test_one_message_for_every_address_too_long(length):
    typed = "https://x.com/a/status/1?q=" + "a" * (length - 27)
    assert len(typed) == length
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            recognise(typed)
        message = refused.value.messages[0]
    assert refused.value.code == "too_long"
    assert f"This address is {length} characters long; at most 500" in message


@pytest.mark.parametrize("length", [MAX_LENGTH + 1, 2_001, 10_000])
def test_the_form_leaves_the_length_to_recognise(length):
    from withrefugees.workspace.views.posted_links import PostedLinkForm

    typed = "https://x.com/a/status/1?q=" + "a" * (length - 27)
    form = PostedLinkForm({"url": typed})
    assert form.is_valid(), form.errors  # no generic "at most N characters" first
    assert form.cleaned_data["url"] == typed
    assert "maxlength" not in str(form["url"])  # the browser cuts nothing off either


def test_hosts_are_mapped_without_the_idna_package_too(monkeypatch):
    monkeypatch.setattr(links, "idna", None)
    assert links.map_host("ｘ。ｃｏｍ") == links.uts46_subset("ｘ。ｃｏｍ") == "x.com"
    assert recognise("https://Ｘ．com/a/status/1").url == "https://x.com/a/status/1"
    assert recognise("x｡com/a/status/1").url == "https://x.com/a/status/1"
    with pytest.raises(ValidationError) as refused:
        recognise("https://\u0445.com/a/status/1")  # Cyrillic х: not mapped to Latin
    assert refused.value.code == "lookalike_host"


@pytest.mark.parametrize("typed", ["https://t.co/AbC123xyz", "t.co/AbC123xyz"])
def test_an_x_short_link_says_to_open_the_post_and_copy_its_address(typed):
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            recognise(typed)
        message = refused.value.messages[0]
    assert refused.value.code == "not_a_post"
    assert "short link of X" in message and "address (URL) of the post" in message
    assert "not one of the social networks" not in message


def test_the_how_to_of_a_line_page_does_not_speak_of_a_date():
    """LINE VOOM posts have no clickable date (X's and Facebook's wording): the how-to is
    neutral, the "Copy link" of the post's menu."""
    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            recognise("https://line.me/R/ti/p/@fuchu_city")
        message = refused.value.messages[0]
    assert refused.value.code == "not_a_post" and "LINE" in message
    assert "date" not in message and "Copy link" in message


def test_english_messages_call_it_the_address_url_of_a_post():
    with translation.override("en"):
        texts = [str(message) for message in MESSAGES.values()] + [str(links.SHORT_LINK)]
    assert not any("post's address" in text for text in texts)
    assert sum("address (URL) of" in text for text in texts) == len(texts)
