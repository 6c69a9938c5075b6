"""Small real media files made on the spot (Pillow for images, PyAV for videos), for
the upload tests: no binary fixtures in the repository."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import av
from PIL import Image


def image_bytes(
    fmt: str = "JPEG",
    size: tuple[int, int] = (1200, 800),
    colour: tuple[int, int, int] = (200, 40, 90),
) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, colour)
    image.save(out, fmt)
    return out.getvalue()


def video_file(
    path: Path, container: str = "mp4", size: tuple[int, int] = (640, 360), frames: int = 6
) -> Path:
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


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


# Uploads through the API (falcon.testing.TestClient).
def multipart(
    data: bytes, filename: str = "photo.png", content_type: str = "image/png", field: str = "file"
) -> tuple[bytes, dict]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def upload(client, who, data: bytes, **kwargs):
    body, headers = multipart(data, **kwargs)
    return client.simulate_post("/api/admin/media", body=body, headers={**who, **headers})


def fetch(client, signed_url: str):
    path = signed_url.split("://", 1)[1].split("/", 1)[1]
    path, _, query = path.partition("?")
    return client.simulate_get("/" + path, query_string=query)
