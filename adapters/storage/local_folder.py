"""A local folder as the bucket (the embedded default, CREATORFLIX_STORAGE_URL=file://DIR).

Keys are paths relative to the folder with '/' separators. Signed URLs are links to
this app, `{CREATORFLIX_PUBLIC_URL}/media/{key}?exp=…&sig=…`, `sig` the signer's
"media" digest of the expiry and the key; GET /media checks them and streams
the file. Symbolic links are neither listed nor served (nothing outside the folder
is ever reachable). A folder that does not exist yet lists as empty (a fresh install
syncs nothing; against a non-empty catalogue the sync's empty-listing guard holds);
one that cannot be read is unavailable."""

from __future__ import annotations

import os
import re
import shutil
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from attrs import frozen

from adapters.storage.object_urls import key_from_url, object_url
from domain.common.errors import NotFound, ServiceUnavailable
from ports.clock import Clock
from ports.security import MEDIA, Signer
from ports.storage import StoredObject

MEDIA_PATH = "/media/"
# The layout's media types, whatever the host's mime.types knows. Only these are served:
# links are signed for the catalogue's images and videos, nothing else.
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "avif": "image/avif",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "m4v": "video/x-m4v",
    "mkv": "video/x-matroska",
    "avi": "video/x-msvideo",
    "wmv": "video/x-ms-wmv",
    "flv": "video/x-flv",
}


@frozen
class OpenedFile:
    stream: BinaryIO
    size: int
    content_type: str
    modified: datetime


_EXPIRY = re.compile(r"[0-9]{1,12}")


def _epoch(when: datetime) -> int:
    return int(when.replace(tzinfo=UTC).timestamp())


class LocalFolderStorage:
    def __init__(self, root: str | os.PathLike, public_url: str, signer: Signer, clock: Clock):
        self.root = Path(root).absolute()
        self._base = public_url.rstrip("/") + MEDIA_PATH
        self._signer = signer
        self._clock = clock

    # -- listing -------------------------------------------------------------------
    def list_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        if not self.root.exists():
            return
        yield from self._walk(str(self.root), "", prefix)

    def _walk(self, folder: str, base: str, prefix: str) -> Iterator[StoredObject]:
        try:
            with os.scandir(folder) as found:
                # Sorting "name/" for folders gives exactly the order of the full keys
                # (all of a folder's keys share its "name/" prefix), as S3 lists them.
                entries = sorted(
                    (
                        (e.name + "/" if e.is_dir(follow_symlinks=False) else e.name, e)
                        for e in found
                    ),
                    key=lambda item: item[0],
                )
            for name, entry in entries:
                key = base + name
                if name.endswith("/"):
                    if key.startswith(prefix) or prefix.startswith(key):
                        yield from self._walk(entry.path, key, prefix)
                elif entry.is_file(follow_symlinks=False) and key.startswith(prefix):
                    st = entry.stat(follow_symlinks=False)
                    # Size and mtime are the change token: no need to read 100k files.
                    yield StoredObject(
                        key,
                        st.st_size,
                        f"{st.st_size:x}-{st.st_mtime_ns:x}",
                        datetime.fromtimestamp(st.st_mtime, UTC).replace(tzinfo=None),
                    )
        except OSError as exc:
            raise ServiceUnavailable(f"the media folder cannot be read: {exc.strerror}") from exc

    # -- URLs ----------------------------------------------------------------------
    def public_url(self, key: str) -> str:
        return object_url(self._base, key)

    def key_from_url(self, url: str) -> str | None:
        return key_from_url(self._base, url)

    @staticmethod
    def _signed_message(key: str, exp: int) -> str:
        return f"{exp}\n{key}"

    def signed_url(self, key: str, expires_in: int) -> str:
        exp = _epoch(self._clock.now()) + expires_in
        sig = self._signer.digest(MEDIA, self._signed_message(key, exp))
        return f"{self.public_url(key)}?exp={exp}&sig={sig}"

    def verify(self, key: str, exp: str | None, sig: str | None) -> bool:
        """True when `sig` signs `key` until `exp` and `exp` has not passed. Anything a
        client can send is a plain False: `exp` must be ASCII digits (str.isdigit also
        takes '²' or Arabic-Indic digits, which int() then refuses), `sig` ASCII text
        (the signer's check refuses anything else)."""
        if (
            not isinstance(exp, str)
            or not isinstance(sig, str)
            or not _EXPIRY.fullmatch(exp)
            or not sig.isascii()
        ):
            return False
        expires = int(exp)
        if not self._signer.check(MEDIA, self._signed_message(key, expires), sig):
            return False
        return expires > _epoch(self._clock.now())

    # -- private objects -----------------------------------------------------------
    def _private_path(self, key: str) -> Path:
        parts = key.split("/")
        if any(p in ("", ".", "..") or "\x00" in p for p in parts):
            raise ValueError(f"invalid key {key!r}")
        return self.root.joinpath(*parts)

    def put_object(self, key: str, data: bytes, content_type: str) -> None:
        path = self._private_path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise ServiceUnavailable(f"the media folder cannot be written: {exc.strerror}") from exc

    def read_object(self, key: str) -> bytes:
        try:
            return self._private_path(key).read_bytes()
        except FileNotFoundError:
            raise NotFound("no such object") from None
        except OSError as exc:
            raise ServiceUnavailable(f"the media folder cannot be read: {exc.strerror}") from exc

    def delete_object(self, key: str) -> None:
        try:
            self._private_path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise ServiceUnavailable(f"the media folder cannot be written: {exc.strerror}") from exc

    # -- uploads (ports.media.MediaStorage) ------------------------------------------
    def put_file(self, key: str, path: str, content_type: str) -> None:
        target = self._private_path(key)
        partial = target.with_name(f".{target.name}.part")
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
            shutil.copyfile(path, partial)  # in chunks, never whole in memory
            os.replace(partial, target)  # readers never see half a file
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise ServiceUnavailable(f"the media folder cannot be written: {exc.strerror}") from exc

    def object_size(self, key: str) -> int | None:
        try:
            return self._private_path(key).stat().st_size
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ServiceUnavailable(f"the media folder cannot be read: {exc.strerror}") from exc

    def fetch_to(self, key: str, path: str, max_bytes: int) -> int:
        try:
            with self._private_path(key).open("rb") as source, open(path, "wb") as target:
                copied = 0
                while copied < max_bytes:
                    chunk = source.read(min(1024 * 1024, max_bytes - copied))
                    if not chunk:
                        break
                    target.write(chunk)
                    copied += len(chunk)
                return copied
        except FileNotFoundError:
            raise NotFound("no such object") from None
        except OSError as exc:
            raise ServiceUnavailable(f"the media folder cannot be read: {exc.strerror}") from exc

    def presigned_post(self, key: str, max_bytes: int, expires_in: int) -> None:
        return None  # the folder has no server of its own: uploads go through the app

    # -- serving -------------------------------------------------------------------
    def open(self, key: str) -> OpenedFile:
        """The file of `key`, opened for reading; NotFound for anything that is not a
        regular file inside the folder, or not an image or video of the layout."""
        parts = key.split("/")
        if any(p in ("", ".", "..") or "\x00" in p for p in parts):
            raise NotFound("no such media")
        content_type = CONTENT_TYPES.get(parts[-1].rpartition(".")[2].lower())
        if content_type is None:
            raise NotFound("no such media")
        path = os.path.join(os.path.realpath(self.root), *parts)
        # Equal only when no symbolic link lies on the way (nothing can lead outside).
        if os.path.realpath(path) != path:
            raise NotFound("no such media")
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            raise NotFound("no such media") from None
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            raise NotFound("no such media")
        return OpenedFile(
            os.fdopen(fd, "rb"),
            st.st_size,
            content_type,
            datetime.fromtimestamp(st.st_mtime, UTC).replace(tzinfo=None),
        )
