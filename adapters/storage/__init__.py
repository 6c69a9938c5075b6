"""Object storage adapters, chosen by CREATORFLIX_STORAGE_URL."""
from __future__ import annotations

from urllib.parse import urlsplit

from ports.clock import Clock
from ports.storage import ObjectStorage


def storage_from_url(config, clock: Clock | None = None) -> ObjectStorage:
    """`file://DIR` -> the local folder (signed links served by the app at /media);
    `s3://...` -> an S3-protocol bucket."""
    from adapters.clock import SystemClock
    clock = clock or SystemClock()
    parts = urlsplit(config.storage_url)
    if parts.scheme == "file":
        from adapters.storage.local_folder import LocalFolderStorage
        # file://./media -> ./media ; file:///srv/media -> /srv/media
        return LocalFolderStorage(parts.netloc + parts.path, config.public_url,
                                  config.secret_key, clock)
    if parts.scheme == "s3":
        from adapters.storage.minio_s3 import S3Storage
        return S3Storage.from_url(config.storage_url, clock)
    raise ValueError(f"unsupported storage URL scheme {parts.scheme!r}")
