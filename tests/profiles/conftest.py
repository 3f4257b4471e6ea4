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
