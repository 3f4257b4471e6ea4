"""Logos: read an uploaded image by its content, check it, and re-encode it.

An upload is never stored as sent: ``logo_process`` decodes it with Pillow (the file name
and the browser's content type are not trusted: a PNG named ``.jpg`` is a PNG, a text file
named ``.png`` is refused), applies its EXIF orientation, takes the first frame of an
animation, converts it to 8-bit sRGB (CMYK JPEGs, 16-bit PNGs, palettes), shrinks it to fit
``LOGO_OUTPUT_SIDE`` × ``LOGO_OUTPUT_SIDE`` keeping its aspect ratio, and encodes new bytes
without any metadata (no EXIF: no GPS position of a phone photo, no ICC profile, no text
chunks).

Output format: PNG when the image has transparent pixels or came from a lossless format
(PNG, GIF, lossless WebP… anything but JPEG) and the PNG stays under ``LOGO_PNG_MAX_BYTES``;
JPEG (quality 90, no chroma subsampling: logos have sharp coloured edges) otherwise.

Refusals (``django.core.exceptions.ValidationError`` with a translated message, code):
``logo_too_large`` (over ``LOGO_MAX_BYTES``), ``logo_format`` (not PNG, JPEG, WebP or GIF:
SVG, HEIC, BMP, text…; the message names SVG and HEIC when it is one of them),
``logo_dimensions`` (over ``LOGO_MAX_SIDE`` a side, over ``LOGO_MAX_PIXELS`` for formats
decoded at full size, or a "decompression bomb" header), ``logo_damaged`` (recognised but
cannot be decoded: truncated or corrupt).
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

#: Largest logo file accepted, in bytes (5 MiB: a phone photo; what is stored is far
#: smaller, see ``LOGO_OUTPUT_SIDE``).
LOGO_MAX_BYTES = 5 * 1024 * 1024
#: Largest side of an uploaded logo, in pixels (a 24-megapixel phone photo is 5712 wide).
LOGO_MAX_SIDE = 6000
#: Most pixels of an uploaded logo decoded at full size (all formats but JPEG, which is
#: decoded at a reduced scale): bounds the memory a crafted PNG can take (~64 MB in RGBA).
LOGO_MAX_PIXELS = 16_000_000
#: The stored logo fits in a square of this side (the page shows it far smaller; share
#: cards need no more).
LOGO_OUTPUT_SIDE = 800
#: An opaque logo from a lossless format stays PNG up to this size, else becomes a JPEG.
LOGO_PNG_MAX_BYTES = 300 * 1024
#: Formats accepted (Pillow format name → file extension of the stored logo's format).
#: No SVG: it can carry scripts, and a raster logo is what the page and share cards need.
#: MPO: multi-picture JPEG (CIPA DC-007) from phone cameras, a JPEG to browsers.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif", "MPO": "jpg"}
#: Extension of each stored (re-encoded) format.
OUTPUT_EXTENSIONS = {"PNG": "png", "JPEG": "jpg"}
JPEG_QUALITY = 90

_JPEG_LIKE = {"JPEG", "MPO"}
#: The decoders tried (Pillow's JPEG decoder gives MPO for multi-picture files).
_DECODERS = ["PNG", "JPEG", "WEBP", "GIF"]


@dataclass(frozen=True)
class ProcessedLogo:
    """A re-encoded logo: ``content`` (the bytes to store), ``format`` (``"PNG"`` or
    ``"JPEG"``), ``width``/``height`` (pixels), ``source_format`` (what was uploaded),
    ``animated`` (the upload had several frames: only the first is kept)."""

    content: bytes
    format: str
    width: int
    height: int
    source_format: str
    animated: bool = False

    @property
    def extension(self) -> str:
        return OUTPUT_EXTENSIONS[self.format]


def _refuse_format(head: bytes) -> ValidationError:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in text[:1024]:
        message = _("SVG files are not accepted as logos. Export the logo as a PNG image "
                    "(with a transparent background if it has one) and upload that.")
    elif head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypmsf1", b"ftyphevc",
                        b"ftypavif"):
        message = _("HEIC and AVIF photos are not accepted. Save the image as a JPEG or PNG "
                    "(on an iPhone: Settings › Camera › Formats › Most Compatible) and "
                    "upload that.")
    else:
        message = _("Upload the logo as a PNG, JPEG, WebP or GIF image. The file sent is "
                    "not one of these (its name does not count: its content is read).")
    return ValidationError(message, code="logo_format")


def _too_many_pixels(width: int, height: int) -> ValidationError:
    return ValidationError(
        _("The logo is too large (%(width)s × %(height)s pixels). Use an image of at most "
          "%(max)s pixels a side and %(pixels)s million pixels in all."),
        code="logo_dimensions",
        params={"width": width, "height": height, "max": LOGO_MAX_SIDE,
                "pixels": LOGO_MAX_PIXELS // 1_000_000})


def _damaged() -> ValidationError:
    return ValidationError(
        _("The logo file is damaged or incomplete and cannot be read. Open it in an image "
          "editor, save it again as PNG or JPEG and upload that."), code="logo_damaged")


def _read_bytes(file) -> bytes:
    size = getattr(file, "size", None)
    if size is not None and size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo file is too large (%(size)s). Use a file of at most %(max)s."),
            code="logo_too_large",
            params={"size": filesizeformat(size), "max": filesizeformat(LOGO_MAX_BYTES)})
    if getattr(file, "closed", False) and hasattr(file, "open"):
        file.open("rb")
    position = file.tell() if hasattr(file, "tell") else None
    try:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(LOGO_MAX_BYTES + 1)
    finally:
        if position is not None:
            file.seek(position)
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(
            _("The logo file is too large (%(size)s). Use a file of at most %(max)s."),
            code="logo_too_large",
            params={"size": _("more than %(max)s") % {"max": filesizeformat(LOGO_MAX_BYTES)},
                    "max": filesizeformat(LOGO_MAX_BYTES)})
    return data


def _open(data: bytes):
    """The Pillow image of ``data`` (header read, pixels not yet decoded), its size checked.
    Raises ``ValidationError`` (``logo_format``, ``logo_dimensions``)."""
    from PIL import Image, UnidentifiedImageError

    try:
        # Over Pillow's own limit (``Image.MAX_IMAGE_PIXELS``) it warns, over twice that it
        # raises; both are far over ``LOGO_MAX_SIDE``, refused below with the numbers.
        image = Image.open(io.BytesIO(data), formats=_DECODERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("The logo is too large: its image claims more pixels than can be read. Use an "
              "image of at most %(max)s pixels a side."),
            code="logo_dimensions", params={"max": LOGO_MAX_SIDE}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError,
            EOFError) as exc:
        raise _refuse_format(data[:2048]) from exc
    if image.format not in LOGO_FORMATS:  # pragma: no cover (formats= above)
        raise _refuse_format(data[:2048])
    width, height = image.size
    if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
        raise ValidationError(
            _("The logo is too large (%(width)s × %(height)s pixels). Use an image of at most "
              "%(max)s pixels a side."),
            code="logo_dimensions", params={"width": width, "height": height,
                                            "max": LOGO_MAX_SIDE})
    if width < 1 or height < 1:
        raise _damaged()
    if image.format not in _JPEG_LIKE and width * height > LOGO_MAX_PIXELS:
        raise _too_many_pixels(width, height)
    return image


def logo_check(file) -> str:
    """Check ``file`` as ``logo_process`` does without re-encoding it (its header only: a
    truncated body is found by ``logo_process``); return its Pillow format name. Raises
    ``ValidationError`` as described in the module. The file position is kept."""
    image = _open(_read_bytes(file))
    fmt = image.format
    image.close()
    return fmt


def _to_8bit_srgb(image):
    """``image`` (one decoded frame) as ``RGB`` or ``RGBA`` (when it has transparent pixels),
    colours converted to sRGB from an embedded ICC profile when there is one."""
    from PIL import ImageCms

    mode = image.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit grey: scale 0–65535 to 0–255 (a plain convert would clip at 255).
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    elif mode == "F":
        image = image.convert("L")
    icc = image.info.get("icc_profile")
    transparent = False
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        transparent = rgba.getchannel("A").getextrema()[0] < 255
        image = rgba if transparent else rgba.convert("RGB")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            output = "RGBA" if image.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"),
                                                  outputMode=output)
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken profile: the colours as they are
    target = "RGBA" if transparent else "RGB"
    if image.mode != target:
        image = image.convert(target)
    return image, transparent


def _encode(image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.info = {}  # no metadata of the upload is carried over
    if fmt == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        # Not ``optimize``/``progressive``: libjpeg then needs the whole output in one
        # buffer, which Pillow sizes by a guess that noisy pictures exceed (an error).
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, subsampling=0)
    return buffer.getvalue()


def logo_process(file) -> ProcessedLogo:
    """Check and re-encode the uploaded logo ``file`` (any file-like object with ``read``;
    its position is kept). Returns a ``ProcessedLogo`` (new bytes, PNG or JPEG, at most
    ``LOGO_OUTPUT_SIDE`` a side, no metadata). Raises ``ValidationError`` with one of the
    codes of the module's docstring."""
    from PIL import Image, ImageOps

    data = _read_bytes(file)
    image = _open(data)
    source_format = image.format
    animated = bool(getattr(image, "is_animated", False))
    try:
        if source_format in _JPEG_LIKE:
            # Decode at 1/2, 1/4 or 1/8 scale when that is still larger than the output.
            image.draft(None, (LOGO_OUTPUT_SIDE, LOGO_OUTPUT_SIDE))
        if animated:
            image.seek(0)
        image.load()
        frame = ImageOps.exif_transpose(image) or image
        frame, transparent = _to_8bit_srgb(frame)
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, TypeError, EOFError, IndexError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _damaged() from exc
    finally:
        image.close()
    frame.thumbnail((LOGO_OUTPUT_SIDE, LOGO_OUTPUT_SIDE), Image.Resampling.LANCZOS)
    if transparent:
        fmt, content = "PNG", _encode(frame, "PNG")
    elif source_format in _JPEG_LIKE:
        fmt, content = "JPEG", _encode(frame, "JPEG")
    else:
        fmt, content = "PNG", _encode(frame, "PNG")
        if len(content) > LOGO_PNG_MAX_BYTES:
            fmt, content = "JPEG", _encode(frame, "JPEG")
    return ProcessedLogo(content=content, format=fmt, width=frame.width, height=frame.height,
                         source_format=source_format, animated=animated)
