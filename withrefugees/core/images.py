"""Uploaded pictures (event images, event photos): read by content, checked, re-encoded.

The generic form of ``profiles/logos.py`` (which keeps its own messages about logos): an
upload is never stored as sent. ``image_process`` decodes it with Pillow (file name and
the browser's content type are not trusted), applies its EXIF orientation, takes the first
frame of an animation, converts it to 8-bit sRGB, shrinks it to fit ``output_side`` ×
``output_side`` keeping its aspect ratio, and encodes new bytes without any metadata (no
EXIF: no GPS position of a phone photo).

Output: PNG when the picture has transparent pixels, or came from a lossless format and
stays under ``PNG_MAX_BYTES``; JPEG (quality 88) otherwise (photos).

Refusals (``ValidationError``, translated message, code): ``image_too_large`` (over
``MAX_BYTES``), ``image_format`` (not PNG, JPEG, WebP or GIF; the message names SVG and
HEIC when it is one of them), ``image_dimensions`` (over ``MAX_SIDE`` a side, over
``MAX_PIXELS`` for formats decoded at full size, or a "decompression bomb" header),
``image_damaged`` (recognised, by Pillow or by the first bytes of its format, but cannot
be decoded: truncated or corrupt), ``image_metadata_too_large`` (a PNG whose text or colour
profile chunks decompress to more than Pillow reads safely, e.g. a 200 MB zTXt comment:
Pillow's ``ValueError`` about ``MAX_TEXT_CHUNK``/``MAX_TEXT_MEMORY``).
"""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

#: Largest file accepted, in bytes (a phone photo).
MAX_BYTES = 10 * 1024 * 1024
#: Largest side of an upload, in pixels.
MAX_SIDE = 10000
#: Most pixels decoded at full size (all formats but JPEG, decoded at a reduced scale).
MAX_PIXELS = 40_000_000
#: The stored picture fits in a square of this side by default.
OUTPUT_SIDE = 1600
#: A lossless picture without transparency stays PNG up to this size, else becomes JPEG.
PNG_MAX_BYTES = 400 * 1024
JPEG_QUALITY = 88
#: What a file input should offer (what is accepted is read from the file itself).
ACCEPT = "image/png,image/jpeg,image/webp,image/gif"

_FORMATS = {"PNG", "JPEG", "WEBP", "GIF", "MPO"}
_JPEG_LIKE = {"JPEG", "MPO"}
_DECODERS = ["PNG", "JPEG", "WEBP", "GIF"]
_EXTENSIONS = {"PNG": "png", "JPEG": "jpg"}


@dataclass(frozen=True)
class ProcessedImage:
    """A re-encoded picture: ``content`` (bytes to store), ``format`` (``"PNG"`` or
    ``"JPEG"``), ``width``/``height`` (pixels), ``source_format`` (as uploaded)."""

    content: bytes
    format: str
    width: int
    height: int
    source_format: str

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self.format]


def _refuse_format(head: bytes) -> ValidationError:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in text[:1024]:
        message = _("SVG files are not accepted as pictures. Export the picture as a PNG or "
                    "JPEG image and upload that.")
    elif head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypmsf1", b"ftyphevc",
                        b"ftypavif"):
        message = _("HEIC and AVIF photos are not accepted. Save the picture as a JPEG or "
                    "PNG (on an iPhone: Settings › Camera › Formats › Most Compatible) and "
                    "upload that.")
    else:
        message = _("Upload the picture as a PNG, JPEG, WebP or GIF image. The file sent is "
                    "not one of these (its name does not count: its content is read).")
    return ValidationError(message, code="image_format")


#: The first bytes of each format accepted: a file that begins so but cannot be read is a
#: damaged picture of that format, not a file of another format.
_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def _has_signature(head: bytes) -> bool:
    return head.startswith(_SIGNATURES) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")


def _too_much_metadata(exc: BaseException) -> bool:
    """Pillow's refusal of a PNG text or colour-profile chunk that decompresses to more than
    ``PngImagePlugin.MAX_TEXT_CHUNK`` (or of text chunks over ``MAX_TEXT_MEMORY`` in all):
    a ``ValueError`` known only by its message."""
    text = str(exc)
    return isinstance(exc, ValueError) and ("MAX_TEXT_CHUNK" in text
                                            or "MAX_TEXT_MEMORY" in text)


def _metadata_too_large() -> ValidationError:
    return ValidationError(
        _("The picture carries too much embedded data (text or a colour profile) to be read "
          "safely. Open it in an image editor, export it again as JPEG or PNG without "
          "metadata and upload that."), code="image_metadata_too_large")


def _unreadable(exc: BaseException, head: bytes) -> ValidationError:
    """The refusal of a file Pillow could not open: too much embedded data, damaged (it
    begins as a PNG, JPEG, WebP or GIF does), else not a format accepted."""
    if _too_much_metadata(exc):
        return _metadata_too_large()
    if _has_signature(head):
        return _damaged()
    return _refuse_format(head)


def _damaged() -> ValidationError:
    return ValidationError(
        _("The picture file is damaged or incomplete and cannot be read. Open it in an image "
          "editor, save it again as JPEG or PNG and upload that."), code="image_damaged")


def _too_large_file(size_text: str) -> ValidationError:
    return ValidationError(
        _("The picture file is too large (%(size)s). Use a file of at most %(max)s."),
        code="image_too_large", params={"size": size_text, "max": filesizeformat(MAX_BYTES)})


def _read_bytes(file) -> bytes:
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _too_large_file(filesizeformat(size))
    if getattr(file, "closed", False) and hasattr(file, "open"):
        file.open("rb")
    position = file.tell() if hasattr(file, "tell") else None
    try:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(MAX_BYTES + 1)
    finally:
        if position is not None:
            file.seek(position)
    if len(data) > MAX_BYTES:
        raise _too_large_file(str(_("more than %(max)s") % {"max": filesizeformat(MAX_BYTES)}))
    if not data:
        raise ValidationError(_("The file sent is empty. Choose the picture again."),
                              code="image_empty")
    return data


def _dimensions_error(width: int, height: int) -> ValidationError:
    return ValidationError(
        _("The picture is too large (%(width)s × %(height)s pixels). Use a picture of at most "
          "%(max)s pixels a side and %(pixels)s million pixels in all."),
        code="image_dimensions",
        params={"width": width, "height": height, "max": MAX_SIDE,
                "pixels": MAX_PIXELS // 1_000_000})


def _open(data: bytes):
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data), formats=_DECODERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("The picture is too large: it claims more pixels than can be read. Use a "
              "picture of at most %(max)s pixels a side."),
            code="image_dimensions", params={"max": MAX_SIDE}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError,
            EOFError) as exc:
        raise _unreadable(exc, data[:2048]) from exc
    if image.format not in _FORMATS:  # pragma: no cover (formats= above)
        raise _refuse_format(data[:2048])
    width, height = image.size
    if width < 1 or height < 1:
        raise _damaged()
    if (width > MAX_SIDE or height > MAX_SIDE
            or (image.format not in _JPEG_LIKE and width * height > MAX_PIXELS)):
        raise _dimensions_error(width, height)
    return image


def image_check(file) -> str:
    """Check ``file``'s size and header as ``image_process`` does, without decoding the
    pixels; return its Pillow format name. Raises ``ValidationError`` (codes above)."""
    image = _open(_read_bytes(file))
    fmt = image.format
    image.close()
    return fmt


def _to_8bit_srgb(image):
    from PIL import ImageCms

    mode = image.mode
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
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
        image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def image_process(file, *, output_side: int = OUTPUT_SIDE) -> ProcessedImage:
    """Check and re-encode the uploaded picture ``file`` (file-like with ``read``; its
    position is kept) to fit ``output_side`` pixels a side. Returns a ``ProcessedImage``;
    raises ``ValidationError`` with a code of the module docstring."""
    from PIL import Image, ImageOps

    data = _read_bytes(file)
    image = _open(data)
    source_format = image.format
    try:
        if source_format in _JPEG_LIKE:
            image.draft(None, (output_side, output_side))
        if getattr(image, "is_animated", False):
            image.seek(0)
        image.load()
        frame = ImageOps.exif_transpose(image) or image
        frame, transparent = _to_8bit_srgb(frame)
    except ValidationError:
        raise
    except (OSError, SyntaxError, ValueError, TypeError, EOFError, IndexError,
            Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise (_metadata_too_large() if _too_much_metadata(exc) else _damaged()) from exc
    finally:
        image.close()
    frame.thumbnail((output_side, output_side), Image.Resampling.LANCZOS)
    if transparent:
        fmt, content = "PNG", _encode(frame, "PNG")
    elif source_format in _JPEG_LIKE:
        fmt, content = "JPEG", _encode(frame, "JPEG")
    else:
        fmt, content = "PNG", _encode(frame, "PNG")
        if len(content) > PNG_MAX_BYTES:
            fmt, content = "JPEG", _encode(frame, "JPEG")
    return ProcessedImage(content=content, format=fmt, width=frame.width,
                          height=frame.height, source_format=source_format)
