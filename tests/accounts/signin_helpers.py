"""Steps of the accounts sign-in (django-allauth) for the tests of tests/accounts."""

import re

from django.core import mail

IP = "203.0.113.5"
#: allauth's sign-in code on a line of its own in the email, e.g. "K7QX-MP3A".
CODE_LINE = re.compile(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", re.M)


def request_code(client, email: str, *, lang: str = "ja", ip: str = IP, next_url: str = ""):
    data = {"email": email}
    if next_url:
        data["next"] = next_url
    return client.post(f"/{lang}/accounts/login/code/", data, REMOTE_ADDR=ip)


def emailed_code(message=None) -> str:
    """The sign-in code of ``message`` (default: the last email sent)."""
    message = message or mail.outbox[-1]
    return CODE_LINE.search(message.body).group(1)


def confirm_code(client, code: str, *, lang: str = "ja", ip: str = IP, url: str = ""):
    """Post ``code`` on the code page (``url``: as the code request redirected to, with
    its ``next``)."""
    return client.post(url or f"/{lang}/accounts/login/code/confirm/", {"code": code},
                       REMOTE_ADDR=ip)


def sign_in_with_password(client, email: str, password: str, *, lang: str = "ja", ip: str = IP,
                          next_url: str = ""):
    data = {"login": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(f"/{lang}/accounts/login/", data, REMOTE_ADDR=ip)


def second_factor(client, code: str, *, lang: str = "ja", ip: str = IP):
    return client.post(f"/{lang}/accounts/2fa/authenticate/", {"code": code}, REMOTE_ADDR=ip)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")
