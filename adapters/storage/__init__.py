"""Object storage adapters, chosen by CREATORFLIX_STORAGE_URL."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from ports.clock import Clock
from ports.media import MediaStorage
from ports.security import Signer


def folder_of_file_url(url: str) -> str:
    """The folder a `file:` URL names (percent-escapes decoded):
    file:///srv/media and file://localhost/srv/media -> /srv/media (RFC 8089: the host
    "localhost" or none is this machine); file://./media and file://media/x -> the
    relative folders ./media and media/x (a common shorthand, kept); file:media -> media."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        raise ValueError(f"not a file: URL: {url!r}")
    host, path = unquote(parts.netloc), unquote(parts.path)
    folder = path if host.lower() in ("", "localhost") else host + path
    if not folder:
        raise ValueError(f"the storage URL {url!r} names no folder")
    return folder


def storage_from_url(
    config, clock: Clock | None = None, *, signer: Signer | None = None
) -> MediaStorage:
    """`file://DIR` -> the local folder (signed links served by the app at /media,
    signed by `signer`, which it requires: the bootstrap's);
    `s3://...` -> an S3-protocol bucket (presigned with the bucket's own credentials)."""
    from adapters.clock import SystemClock

    clock = clock or SystemClock()
    parts = urlsplit(config.storage_url)
    if parts.scheme == "file":
        from adapters.storage.local_folder import LocalFolderStorage

        if signer is None:
            raise ValueError("a local-folder storage signs its media links: give it the signer")
        return LocalFolderStorage(
            folder_of_file_url(config.storage_url), config.public_url, signer, clock
        )
    if parts.scheme == "s3":
        from adapters.storage.minio_s3 import S3Storage

        return S3Storage.from_url(config.storage_url, clock)
    raise ValueError(f"unsupported storage URL scheme {parts.scheme!r}")
