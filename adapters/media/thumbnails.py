"""Thumbnails with Pillow and poster frames with PyAV (FFmpeg's decoders): both wheels
carry their native code, so nothing is installed beside pip. Pillow over pyvips: for
the thumbnails we make (one image, ≤ 480 px) Pillow's draft mode decodes a JPEG at a
fraction of its size, and it is already the dependency PyAV's frames convert through
(see bench/bench_thumbnails.py for the figures)."""

from __future__ import annotations

import warnings

import av
from PIL import Image, ImageOps

# A decompression bomb (a tiny file declaring gigapixels) is refused, not decoded.
Image.MAX_IMAGE_PIXELS = 120_000_000
JPEG_QUALITY = 82


class PillowAvThumbnailer:
    def image_thumbnail(self, source: str, target: str, max_width: int) -> tuple[int, int]:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(source) as image:
                    size = image.size
                    # JPEG: decode at the smallest 1/2, 1/4, 1/8 scale still ≥ the thumbnail.
                    image.draft("RGB", (max_width, max(1, max_width * size[1] // size[0])))
                    _save(ImageOps.exif_transpose(image), target, max_width)
        except (
            OSError,
            SyntaxError,
            ValueError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ) as exc:
            raise ValueError(str(exc) or type(exc).__name__) from None
        return size

    def video_poster(self, source: str, target: str, max_width: int) -> tuple[int, int]:
        try:
            with av.open(source) as container:
                if not container.streams.video:
                    raise ValueError("no video stream")
                stream = container.streams.video[0]
                stream.thread_type = "AUTO"
                for frame in container.decode(stream):
                    image = frame.to_image()
                    _save(image, target, max_width)
                    return image.size
        except av.FFmpegError as exc:
            raise ValueError(str(exc)) from None
        raise ValueError("no frame could be decoded")


def _save(image: Image.Image, target: str, max_width: int) -> None:
    image = image.convert("RGB")
    if image.width > max_width:
        image.thumbnail(
            (max_width, round(image.height * max_width / image.width) or 1),
            Image.Resampling.LANCZOS,
        )
    image.save(target, "JPEG", quality=JPEG_QUALITY, optimize=True)
