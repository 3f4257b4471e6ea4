"""Image files for the logo tests, made with Pillow (or by hand where Pillow would refuse to
write them: a header claiming huge dimensions, a 16-bit colour PNG)."""

import io
import os
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

BLUE = (0, 114, 188)


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def upload(data: bytes, name: str = "logo.png", content_type: str = "image/png"
           ) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_by_hand(width: int, height: int, *, bit_depth: int = 8, colour_type: int = 2,
                rows: bytes | None = None) -> bytes:
    """A PNG written chunk by chunk: ``rows`` (filter byte + pixels per row) compressed, or
    one zero-filled row only (then the header claims far more than the data holds)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    if rows is None:
        rows = b"\0" * 16
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(rows, 9)) + png_chunk(b"IEND", b""))


def png_zero_bomb(width: int, height: int) -> bytes:
    """A real decompression bomb: an RGB PNG of ``width`` × ``height`` black pixels, a few
    dozen kilobytes compressed."""
    row = b"\0" * (1 + 3 * width)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", data)
            + png_chunk(b"IEND", b""))


def png_rgb16(width: int = 16, height: int = 8, value: int = 0x8000) -> bytes:
    """A 16-bit-per-channel RGB PNG (Pillow reads it, it cannot write it)."""
    pixel = struct.pack(">HHH", value, value // 2, 0xFFFF)
    rows = b"".join(b"\0" + pixel * width for _ in range(height))
    return png_by_hand(width, height, bit_depth=16, colour_type=2, rows=rows)


def noise(size=(200, 200), mode: str = "RGB") -> Image.Image:
    bands = len(mode)
    return Image.frombytes(mode, size, os.urandom(size[0] * size[1] * bands))


def jpeg_with_exif(size=(60, 30), orientation: int = 6) -> bytes:
    """A phone photo: wider than high as stored, EXIF says "rotate 90° clockwise", with the
    camera's make and a GPS position."""
    image = Image.new("RGB", size, BLUE)
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1]))  # left half red
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (35.0, 40.0, 0.0)}  # GPS IFD
    return encode(image, "JPEG", exif=exif.tobytes(), quality=95)


def animated_gif(size=(30, 20)) -> bytes:
    frames = [Image.new("RGB", size, colour) for colour in ((255, 0, 0), (0, 255, 0),
                                                             (0, 0, 255))]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100,
                  loop=0)


def transparent_png(size=(40, 40)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    image.paste((0, 114, 188, 255), (10, 10, 30, 30))
    return encode(image, "PNG")
