"""Shared fixtures of the workspace tests: an officer of 府中市 (東京都), a second city with
its own officer, UNHCR staff with and without a second factor (TOTP).

``officer``/``other_officer`` are plain users (no staff flag) with one ``Membership``;
``lg``/``other_lg`` their local governments; ``make_officer(lg, email=..., name=...)`` adds
another officer; ``staff``: staff with TOTP (``tests.factories.TOTP_SECRET``);
``staff_without_totp``: staff who have not set one up."""

import pytest
from django.contrib.auth import get_user_model

from tests.factories import StaffFactory, jp
from withrefugees.accounts.models import Membership

LG_CODE = "132063"  # 府中市 (東京都), the SignatureFactory's default place
OTHER_LG_CODE = "132080"  # 調布市 (東京都)


@pytest.fixture
def lg():
    return jp(LG_CODE)


@pytest.fixture
def other_lg():
    return jp(OTHER_LG_CODE)


@pytest.fixture
def make_officer(db):
    """``make_officer(lg, email="...", name="...")``: a new user who is an officer of
    ``lg`` (and of ``also``, a list of other local governments)."""
    counter = {"n": 0}

    def make(local_government, *, email: str | None = None, name: str = "", also=()):
        counter["n"] += 1
        user = get_user_model().objects.create_user(
            email=email or f"officer{counter['n']}@city.example.jp", full_name=name)
        for place in (local_government, *also):
            Membership.objects.create(user=user, local_government=place)
        return user

    return make


@pytest.fixture
def officer(make_officer, lg):
    return make_officer(lg, email="hanako@city.fuchu.tokyo.jp", name="府中花子")


@pytest.fixture
def other_officer(make_officer, other_lg):
    return make_officer(other_lg, email="taro@city.chofu.lg.jp", name="調布太郎")


@pytest.fixture
def staff(db):
    """UNHCR staff with an authenticator app (TOTP)."""
    return StaffFactory(email="reviewer@unhcr.example")


@pytest.fixture
def staff_without_totp(db):
    """UNHCR staff who have not set up a second factor yet."""
    return StaffFactory(email="newcomer@unhcr.example", totp=False)
