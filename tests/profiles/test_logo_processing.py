"""Logos are read by their content and re-encoded (issue 7, §3): bad images get a clear,
translated refusal; good ones are stored as new PNG or JPEG bytes, resized, without
metadata. Every file here is made in the test (Pillow, or by hand for what Pillow will not
write)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from PIL import Image

from tests.factories import jp
from tests.profiles import images
from withrefugees.core.audit import audit_history
from withrefugees.profiles.logos import LOGO_MAX_BYTES, LOGO_OUTPUT_SIDE, logo_process
from withrefugees.profiles.models import Profile
from withrefugees.profiles.services import profile_update

pytestmark = pytest.mark.django_db
ALT = {"logo_alt_ja": "府中市のロゴ", "logo_alt_en": "Fuchu City logo"}


def save(file, **fields):
    return profile_update(local_government=jp("132063"), actor=None, logo=file,
                          **{**ALT, **fields})


def stored(profile) -> Image.Image:
    """The stored logo, opened from the storage (not from what the service returned)."""
    with profile.logo.storage.open(profile.logo.name) as fh:
        image = Image.open(io.BytesIO(fh.read()))
        image.load()
    return image


def refusal(file) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        save(file)
    assert not Profile.objects.exists()  # nothing written
    (error,) = caught.value.error_dict["logo"]
    return error


# --- Refused, with a clear message --------------------------------------------------------
@pytest.mark.parametrize("make, code, words", [
    (lambda: images.upload(b"Just some text, not an image.\n", "logo.png"), "logo_format",
     "PNG, JPEG, WebP or GIF"),
    (lambda: images.upload(b"<?xml version='1.0'?>\n<svg xmlns='http://www.w3.org/2000/svg'>"
                           b"<script>alert(1)</script></svg>", "logo.svg", "image/svg+xml"),
     "logo_format", "SVG"),
    (lambda: images.upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.png"),
     "logo_format", "SVG"),
    (lambda: images.upload(b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64, "IMG.HEIC",
                           "image/heic"), "logo_format", "HEIC"),
    (lambda: images.upload(images.encode(Image.new("RGB", (20, 20)), "BMP"), "logo.png"),
     "logo_format", "PNG, JPEG, WebP or GIF"),
    (lambda: images.upload(images.encode(images.noise(), "PNG")[:20_000]), "logo_damaged",
     "damaged or incomplete"),
    (lambda: images.upload(images.encode(images.noise(), "JPEG")[:4_000], "logo.jpg"),
     "logo_damaged", "damaged or incomplete"),
    # A 1-pixel-high header claiming 100,000 × 100,000 pixels: Pillow's bomb guard.
    (lambda: images.upload(images.png_by_hand(100_000, 100_000)), "logo_dimensions",
     "too large"),
    (lambda: images.upload(images.png_by_hand(7_000, 10)), "logo_dimensions", "7000 × 10"),
    # A real bomb under Pillow's limit: 25 million black pixels in a few dozen kilobytes.
    (lambda: images.upload(images.png_zero_bomb(5_000, 5_000)), "logo_dimensions",
     "5000 × 5000"),
    (lambda: images.upload(b"\x89PNG\r\n\x1a\n" + b"\0" * LOGO_MAX_BYTES), "logo_too_large",
     "too large"),
])
def test_bad_files_are_refused_with_a_message_that_says_why(make, code, words):
    with translation.override("en"):
        error = refusal(make())
        assert error.code == code
        assert words in error.messages[0]


def test_the_refusal_is_translated():
    with translation.override("ja"):
        error = refusal(images.upload(images.png_by_hand(7_000, 10)))
    assert error.code == "logo_dimensions"
    assert "ピクセル" in error.messages[0]  # the catalogue's Japanese (message of step 1)


def test_a_file_larger_than_it_says_is_still_stopped():
    """A file object without a size (or lying about it) is read only up to the limit."""
    class NoSize(io.BytesIO):
        size = None

    data = images.encode(images.noise((1800, 1800)), "PNG")
    assert len(data) > LOGO_MAX_BYTES
    with pytest.raises(ValidationError) as caught:
        logo_process(NoSize(data))
    assert caught.value.code == "logo_too_large"


# --- Accepted and normalised --------------------------------------------------------------
def test_a_png_named_jpg_is_read_as_a_png():
    data = images.encode(Image.new("RGB", (40, 20), images.BLUE), "PNG")
    profile = save(images.upload(data, "logo.jpg", "image/jpeg"))
    assert profile.logo.name.endswith(".png")
    assert stored(profile).format == "PNG"
    with profile.logo.storage.open(profile.logo.name) as fh:
        assert fh.read() != data  # re-encoded, never the uploaded bytes


def test_a_jpeg_named_png_is_read_as_a_jpeg():
    data = images.encode(Image.new("RGB", (40, 20), images.BLUE), "JPEG")
    profile = save(images.upload(data, "logo.png"))
    assert profile.logo.name.endswith(".jpg") and stored(profile).format == "JPEG"


def test_a_phone_photo_is_turned_upright_resized_and_stripped_of_its_exif():
    """EXIF orientation 6 (rotate 90° clockwise), a camera make and a GPS position."""
    photo = images.jpeg_with_exif(size=(1600, 800))
    assert Image.open(io.BytesIO(photo)).getexif()[0x010F] == "PhoneMaker"
    profile = save(images.upload(photo, "IMG_0001.JPG", "image/jpeg"))
    logo = stored(profile)
    assert logo.format == "JPEG" and logo.size == (400, LOGO_OUTPUT_SIDE)  # upright
    assert (profile.logo_width, profile.logo_height) == (400, 800)
    assert not logo.getexif() and "exif" not in logo.info and "icc_profile" not in logo.info
    with profile.logo.storage.open(profile.logo.name) as fh:
        assert b"PhoneMaker" not in fh.read()
    # Upright: the red left half of the stored photo is now at the top.
    red, _, blue = logo.getpixel((200, 50))
    assert red > 200 and blue < 80


def test_a_large_image_is_resized_keeping_its_aspect_ratio():
    profile = save(images.upload(images.encode(Image.new("RGB", (3000, 1500), images.BLUE),
                                               "PNG")))
    assert stored(profile).size == (LOGO_OUTPUT_SIDE, 400)
    assert (profile.logo_width, profile.logo_height) == (800, 400)


def test_a_small_image_is_not_enlarged():
    profile = save(images.upload(images.encode(Image.new("RGB", (40, 20), images.BLUE),
                                               "WEBP"), "logo.webp", "image/webp"))
    assert stored(profile).size == (40, 20) and stored(profile).format == "PNG"


def test_an_animated_gif_keeps_its_first_frame():
    profile = save(images.upload(images.animated_gif(), "logo.gif", "image/gif"))
    logo = stored(profile)
    assert logo.format == "PNG" and not getattr(logo, "is_animated", False)
    assert logo.convert("RGB").getpixel((5, 5)) == (255, 0, 0)  # the first frame's red


def test_a_cmyk_jpeg_becomes_rgb():
    cmyk = images.encode(Image.new("CMYK", (40, 20), (0, 255, 255, 0)), "JPEG")
    assert Image.open(io.BytesIO(cmyk)).mode == "CMYK"
    logo = stored(save(images.upload(cmyk, "print.jpg", "image/jpeg")))
    assert logo.mode == "RGB"
    red, green, blue = logo.getpixel((20, 10))
    assert red > 230 and green < 30 and blue < 30


def test_a_16_bit_grey_png_keeps_its_tones():
    """A plain conversion clips 16-bit values at white; half grey must stay half grey."""
    grey = images.encode(Image.new("I;16", (40, 20), 0x8000), "PNG")
    assert Image.open(io.BytesIO(grey)).mode == "I;16"
    logo = stored(save(images.upload(grey)))
    assert logo.format == "PNG" and logo.mode == "RGB"
    assert 120 <= logo.getpixel((0, 0))[0] <= 136


def test_a_16_bit_colour_png_is_stored_in_8_bits():
    logo = stored(save(images.upload(images.png_rgb16())))
    assert logo.mode == "RGB" and logo.getpixel((0, 0)) == (128, 64, 255)


def test_transparency_is_kept_in_a_png():
    logo = stored(save(images.upload(images.transparent_png())))
    assert logo.format == "PNG" and logo.mode == "RGBA"
    assert logo.getpixel((0, 0))[3] == 0 and logo.getpixel((20, 20))[3] == 255


def test_png_metadata_is_not_kept():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "private note of the designer")
    data = images.encode(Image.new("RGB", (40, 20), images.BLUE), "PNG", pnginfo=info)
    profile = save(images.upload(data))
    assert "Comment" not in stored(profile).info
    with profile.logo.storage.open(profile.logo.name) as fh:
        assert b"private note" not in fh.read()


def test_a_noisy_photo_from_a_lossless_format_is_stored_as_a_jpeg():
    """An opaque PNG stays PNG unless that makes a heavy file (then a JPEG)."""
    profile = save(images.upload(images.encode(images.noise((1000, 500)), "PNG")))
    assert stored(profile).format == "JPEG" and profile.logo.name.endswith(".jpg")


# --- Alt text ------------------------------------------------------------------------------
def test_a_logo_needs_an_alt_text_in_one_language():
    logo = images.upload(images.encode(Image.new("RGB", (40, 20)), "PNG"))
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        save(logo, logo_alt_ja="", logo_alt_en="  ")
    assert caught.value.error_dict["logo_alt_en"][0].code == "logo_alt_required"
    with translation.override("ja"), pytest.raises(ValidationError) as caught:
        save(logo, logo_alt_ja="", logo_alt_en="")
    assert caught.value.error_dict["logo_alt_ja"][0].code == "logo_alt_required"
    assert not Profile.objects.exists()
    profile = save(logo, logo_alt_ja="", logo_alt_en="Fuchu City logo")  # one is enough
    assert profile.logo and profile.logo_alt_en == "Fuchu City logo"
    entry = audit_history(profile).last()
    assert entry.changes["logo_alt_en"] == ["", "Fuchu City logo"]


def test_removing_the_alt_text_of_a_kept_logo_is_refused():
    profile = save(images.upload(images.encode(Image.new("RGB", (40, 20)), "PNG")))
    with pytest.raises(ValidationError) as caught:
        profile_update(local_government=profile.local_government, actor=None,
                       logo_alt_ja="", logo_alt_en="")
    assert "logo_alt_ja" in caught.value.error_dict
    # Without a logo no alt text is needed.
    profile = profile_update(local_government=profile.local_government, actor=None,
                             logo=None, logo_alt_ja="", logo_alt_en="")
    assert not profile.logo


def test_the_database_refuses_a_logo_without_alt_text():
    profile = save(images.upload(images.encode(Image.new("RGB", (40, 20)), "PNG")))
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.filter(pk=profile.pk).update(logo_alt_ja="", logo_alt_en="")
