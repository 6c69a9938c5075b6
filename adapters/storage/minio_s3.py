"""S3-protocol storage (AWS S3, DigitalOcean Spaces, MinIO) over the `minio` client.

CREATORFLIX_STORAGE_URL = s3://ACCESS:SECRET@host[:port]/bucket?secure=false&region=R
(percent-encode '/' or '@' in the secret; secure defaults to true, region to
us-east-1 — with a region set, presigning is local computation, no network call)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, quote, unquote, urlsplit

import urllib3
from minio import Minio
from minio.error import MinioException

from adapters.storage.object_urls import key_from_url, object_url
from domain.common.errors import NotFound, ServiceUnavailable
from ports.clock import Clock
from ports.media import PresignedPost
from ports.storage import StoredObject

DEFAULT_REGION = "us-east-1"
MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # the S3 protocol's limit
FALSE = ("false", "0", "no", "off")


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


class S3Storage:
    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        *,
        secure: bool = True,
        region: str = DEFAULT_REGION,
        clock: Clock | None = None,
    ):
        self.endpoint, self.bucket, self.secure = endpoint, bucket, secure
        # Few retries and bounded timeouts: an unreachable storage fails in seconds.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=5, read=60),
            maxsize=8,
            retries=urllib3.Retry(
                total=2, backoff_factor=0.2, status_forcelist=(500, 502, 503, 504)
            ),
        )
        self.client = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=http,
        )
        self._clock = clock
        scheme = "https" if secure else "http"
        self._base = f"{scheme}://{endpoint}/{quote(bucket)}/"

    @classmethod
    def from_url(cls, url: str, clock: Clock | None = None) -> S3Storage:
        parts = urlsplit(url)
        bucket = unquote(parts.path.strip("/"))
        if parts.scheme != "s3" or not parts.hostname or not bucket or "/" in bucket:
            raise ValueError("expected s3://ACCESS:SECRET@host:port/bucket")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        endpoint = parts.hostname + (f":{parts.port}" if parts.port else "")
        return cls(
            endpoint,
            unquote(parts.username or ""),
            unquote(parts.password or ""),
            bucket,
            secure=query.get("secure", "true").lower() not in FALSE,
            region=query.get("region") or DEFAULT_REGION,
            clock=clock,
        )

    def list_objects(self, prefix: str = "") -> Iterator[StoredObject]:
        try:
            # ListObjectsV2 pages of 1000, fetched as the iteration goes, in key order.
            for obj in self.client.list_objects(self.bucket, prefix=prefix or None, recursive=True):
                if obj.is_dir:
                    continue
                yield StoredObject(
                    obj.object_name,
                    obj.size or 0,
                    (obj.etag or "").strip('"'),
                    _naive_utc(obj.last_modified),
                )
        except (MinioException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise ServiceUnavailable(f"the storage cannot be listed: {_reason(exc)}") from exc

    def signed_url(self, key: str, expires_in: int) -> str:
        when = self._clock.now().replace(tzinfo=UTC) if self._clock else None
        return self.client.presigned_get_object(
            self.bucket,
            key,
            expires=timedelta(seconds=min(expires_in, MAX_PRESIGN_SECONDS)),
            request_date=when,
        )

    def public_url(self, key: str) -> str:
        return object_url(self._base, key, safe="/~")

    def key_from_url(self, url: str) -> str | None:
        return key_from_url(self._base, url)

    def put_object(self, key: str, data: bytes, content_type: str) -> None:
        import io

        try:
            self.client.put_object(
                self.bucket, key, io.BytesIO(data), len(data), content_type=content_type
            )
        except (MinioException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise ServiceUnavailable(f"the storage cannot be written: {_reason(exc)}") from exc

    def read_object(self, key: str) -> bytes:
        from domain.common.errors import NotFound

        try:
            response = self.client.get_object(self.bucket, key)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()
        except MinioException as exc:
            if getattr(exc, "code", None) == "NoSuchKey":
                raise NotFound("no such object") from None
            raise ServiceUnavailable(f"the storage cannot be read: {_reason(exc)}") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise ServiceUnavailable(f"the storage cannot be read: {_reason(exc)}") from exc

    def delete_object(self, key: str) -> None:
        try:
            self.client.remove_object(self.bucket, key)
        except (MinioException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise ServiceUnavailable(f"the storage cannot be written: {_reason(exc)}") from exc

    # -- uploads (ports.media.MediaStorage) ------------------------------------------
    def put_file(self, key: str, path: str, content_type: str) -> None:
        try:  # multipart in parts of 16 MiB: never the whole file in memory
            self.client.fput_object(
                self.bucket,
                key,
                path,
                content_type=content_type,
                part_size=16 * 1024 * 1024,
                num_parallel_uploads=1,
            )
        except (MinioException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise ServiceUnavailable(f"the storage cannot be written: {_reason(exc)}") from exc

    def object_size(self, key: str) -> int | None:
        try:
            return self.client.stat_object(self.bucket, key).size
        except MinioException as exc:
            if getattr(exc, "code", None) in ("NoSuchKey", "NoSuchObject", "ResourceNotFound"):
                return None
            raise ServiceUnavailable(f"the storage cannot be read: {_reason(exc)}") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise ServiceUnavailable(f"the storage cannot be read: {_reason(exc)}") from exc

    def fetch_to(self, key: str, path: str, max_bytes: int) -> int:
        written = 0
        try:
            response = self.client.get_object(self.bucket, key)
            try:
                with open(path, "wb") as handle:
                    for chunk in response.stream(1024 * 1024):
                        chunk = chunk[: max_bytes - written]
                        handle.write(chunk)
                        written += len(chunk)
                        if written >= max_bytes:
                            break
            finally:
                response.close()
                response.release_conn()
        except MinioException as exc:
            if getattr(exc, "code", None) == "NoSuchKey":
                raise NotFound("no such object") from None
            raise ServiceUnavailable(f"the storage cannot be read: {_reason(exc)}") from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise ServiceUnavailable(f"the storage cannot be read: {_reason(exc)}") from exc
        return written

    def presigned_post(self, key: str, max_bytes: int, expires_in: int) -> PresignedPost:
        from minio.datatypes import PostPolicy

        now = self._clock.now().replace(tzinfo=UTC) if self._clock else datetime.now(UTC)
        policy = PostPolicy(self.bucket, now + timedelta(seconds=expires_in))
        # Exactly this key (random, under uploads/) and at most max_bytes: the bucket
        # refuses any other form.
        policy.add_equals_condition("key", key)
        policy.add_content_length_range_condition(1, max_bytes)
        fields = self.client.presigned_post_policy(policy)
        fields["key"] = key
        scheme = "https" if self.secure else "http"
        return PresignedPost(
            url=f"{scheme}://{self.endpoint}/{quote(self.bucket)}",
            fields=fields,
            key=key,
            max_bytes=max_bytes,
            expires_in=expires_in,
        )


def _reason(exc: Exception) -> str:
    code = getattr(exc, "code", None)
    if code:  # S3Error: NoSuchBucket, AccessDenied...
        return f"{code}: {getattr(exc, 'message', '') or exc}"
    return type(exc).__name__
