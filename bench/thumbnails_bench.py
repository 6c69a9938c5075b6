"""Thumbnails of uploads: Pillow (the choice) against pyvips, and PyAV's poster frame.

    .venv/bin/python bench/thumbnails_bench.py [--rounds 5]

Makes a 4000x3000 JPEG (a phone photo), a 2000x2000 PNG and a 10 s 1280x720 H.264 MP4,
then times, median of --rounds, a ≤ 480 px JPEG thumbnail of each image with Pillow
(draft mode + LANCZOS, as adapters/media/thumbnails.py) and with pyvips
(`thumbnail` + `jpegsave`, when it is installed: `pip install pyvips pyvips-binary`),
and the poster frame of the video with PyAV.

Measured here (2026-12-07, 2 shared cores, median of 5): photo.jpg Pillow 41 ms, pyvips
40 ms; art.png Pillow 96 ms, pyvips 30 ms; PyAV poster 21 ms. Pillow is kept: as fast
on the common upload (a phone's JPEG, thanks to draft mode: 146 ms without it), and
PyAV's frames convert through Pillow anyway — pyvips would be a second image library
(+18 MB of libvips) to win 66 ms on a PNG, once per upload."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.media.thumbnails import PillowAvThumbnailer  # noqa: E402
from tests.support.media_files import video_file  # noqa: E402


def photo(folder: Path) -> dict[str, Path]:
    from PIL import Image, ImageDraw

    found = {}
    for name, size, fmt in (("photo.jpg", (4000, 3000), "JPEG"), ("art.png", (2000, 2000), "PNG")):
        image = Image.linear_gradient("L").resize(size).convert("RGB")
        draw = ImageDraw.Draw(image)
        for i in range(0, size[0], 40):  # detail, so the codecs have work to do
            draw.line((i, 0, size[0] - i, size[1]), fill=(i % 255, 80, 200 - i % 200), width=3)
        path = folder / name
        image.save(path, fmt, quality=90)
        found[name] = path
    return found


def timed(work, rounds: int) -> float:
    spent = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        spent.append(time.perf_counter() - start)
    return statistics.median(spent)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    pillow = PillowAvThumbnailer()
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = photo(folder)
        target = str(folder / "thumb.jpg")
        for name, path in inputs.items():
            ms = (
                timed(lambda path=path: pillow.image_thumbnail(str(path), target, 480), rounds)
                * 1000
            )
            results[f"pillow {name}"] = {"ms": round(ms, 1)}
        try:
            import pyvips
        except (ImportError, OSError):
            results["pyvips"] = "not installed"
        else:
            for name, path in inputs.items():

                def vips(path=path) -> None:
                    pyvips.Image.thumbnail(str(path), 480).jpegsave(target, Q=82)

                ms = timed(vips, rounds) * 1000
                results[f"pyvips {name}"] = {"ms": round(ms, 1)}
        video = video_file(folder / "clip.mp4", "mp4", (1280, 720), frames=300)
        ms = timed(lambda: pillow.video_poster(str(video), target, 480), rounds) * 1000
        results["pyav poster 1280x720 mp4"] = {"ms": round(ms, 1)}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
