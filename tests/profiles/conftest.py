import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded logos go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def image_file():
    """``image_file(fmt="PNG", size=(40, 20), name="logo.png")``: an uploaded image made
    with Pillow."""
    from PIL import Image

    def make(fmt: str = "PNG", size=(40, 20), name: str = "logo.png") -> SimpleUploadedFile:
        buffer = io.BytesIO()
        Image.new("RGB", size, (0, 114, 188)).save(buffer, fmt)
        return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")

    return make


# --- People (issue 7): officers of 府中市 and 調布市, staff with and without a second factor
@pytest.fixture
def fuchu(db):
    from tests.factories import jp

    return jp("132063")  # 府中市 (東京都)


@pytest.fixture
def chofu(db):
    from tests.factories import jp

    return jp("132080")  # 調布市 (東京都)


def _officer_of(lg, email: str):
    from django.contrib.auth import get_user_model

    from withrefugees.accounts.models import Membership

    user = get_user_model().objects.create_user(email=email)
    Membership.objects.create(user=user, local_government=lg)
    return user


@pytest.fixture
def fuchu_officer(fuchu):
    return _officer_of(fuchu, "hanako@city.fuchu.tokyo.jp")


@pytest.fixture
def chofu_officer(chofu):
    return _officer_of(chofu, "taro@city.chofu.lg.jp")


@pytest.fixture
def moderator(db):
    """UNHCR staff with an authenticator app (TOTP)."""
    from tests.factories import StaffFactory, give_totp

    user = StaffFactory(email="moderator@unhcr.example")
    give_totp(user)
    return user


@pytest.fixture
def staff_without_totp(db):
    from tests.factories import StaffFactory

    return StaffFactory(email="newcomer@unhcr.example", totp=False)
