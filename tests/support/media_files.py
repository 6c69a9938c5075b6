"""Small real media files made on the spot (Pillow for images, PyAV for videos), for
the upload tests: no binary fixtures in the repository."""
from __future__ import annotations

import io
from pathlib import Path

import av
from PIL import Image


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (1200, 800),
                colour: tuple[int, int, int] = (200, 40, 90)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, colour)
    image.save(out, fmt)
    return out.getvalue()


def video_file(path: Path, container: str = "mp4", size: tuple[int, int] = (640, 360),
               frames: int = 6) -> Path:
    """A short video: H.264 in MP4, VP8 in WebM."""
    codec = "libx264" if container == "mp4" else "libvpx"
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=12)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            image = Image.new("RGB", size, (20 * i % 255, 120, 200))
            frame = av.VideoFrame.from_image(image)
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def video_bytes(tmp: Path, container: str = "mp4") -> bytes:
    return video_file(tmp / f"clip.{container}", container).read_bytes()


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b'<script>alert(document.cookie)</script></svg>')
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
