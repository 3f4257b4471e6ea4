"""Security headers on every page (issue 6, §8): a strict Content-Security-Policy (no inline
script), a Permissions-Policy, and no framing."""

import pytest

from tests.factories import jp

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/ja/", "/en/sign/", "/ja/signatories/", "/ja/map/",
                                  "profile", "/ja/admin/login/"])
def test_pages_send_a_strict_csp_and_permissions_policy(client, path):
    if path == "profile":
        path = f"/ja/signatories/{jp('131130').pk}/"
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "geolocation=()" in response["Permissions-Policy"]
    body = response.content.decode()
    # No inline script the policy would block (JSON data blocks are not executed).
    import re
    for attrs in re.findall(r"<script([^>]*)>", body):
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs


def test_a_refused_request_is_logged_without_a_traceback(client, caplog):
    """Found by the adversarial review: each 403 (a guessed id) logged a whole stack."""
    from django.contrib.auth import get_user_model

    from tests.factories import jp

    user = get_user_model().objects.create_user(email="guess@city.example.jp")
    client.force_login(user)
    with caplog.at_level("WARNING", logger="django.request"):
        response = client.get(f"/ja/workspace/{jp('132063').pk}/")
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records and all(r.exc_info is None for r in records)
