"""The local-folder storage: listing in key order with a cheap change token, HMAC-signed
expiring links, and opening files without ever leaving the folder."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import UTC

import pytest

from adapters.clock import FakeClock
from adapters.security import HmacSigner
from adapters.storage import folder_of_file_url, storage_from_url
from adapters.storage.local_folder import LocalFolderStorage
from domain.common.errors import NotFound, ServiceUnavailable
from entrypoints.config import Config

SECRET = "local-folder-secret-" + "k" * 20


def write(root, key: str, body: bytes = b"x") -> None:
    path = root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def folder(tmp_path, clock) -> LocalFolderStorage:
    return LocalFolderStorage(
        tmp_path / "media", "https://app.example/", HmacSigner(SECRET, clock), clock
    )


def test_listing_is_in_key_order_as_s3_lists(folder):
    keys = [
        "a-b/x.jpg",
        "a/b.jpg",
        "a.b/c.jpg",
        "a/b/c.jpg",
        "a/b c/d.jpg",
        "Z/p/q.png",
        "ü/p/é.jpg",
        "top.txt",
        "a/.hidden",
        "a/b/c/d/e/f.jpg",
    ]
    for key in keys:
        write(folder.root, key)
    listed = [o.key for o in folder.list_objects()]
    assert listed == sorted(keys, key=lambda k: k.encode())
    assert [o.key for o in folder.list_objects("a/b")] == [
        "a/b c/d.jpg",
        "a/b.jpg",
        "a/b/c.jpg",
        "a/b/c/d/e/f.jpg",
    ]


def test_symbolic_links_are_not_listed(folder, tmp_path):
    write(folder.root, "ana/p/a.jpg")
    write(tmp_path, "outside/secret.jpg")
    os.symlink(tmp_path / "outside", folder.root / "ana" / "linked")
    os.symlink(tmp_path / "outside" / "secret.jpg", folder.root / "ana" / "p" / "s.jpg")
    assert [o.key for o in folder.list_objects()] == ["ana/p/a.jpg"]


def test_the_change_token_is_size_and_mtime(folder):
    write(folder.root, "ana/p/a.jpg", b"one")
    path = folder.root / "ana/p/a.jpg"
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    [first] = folder.list_objects()
    assert first.size == 3 and first.last_modified.year == 2023
    assert [o.etag for o in folder.list_objects()] == [first.etag]  # stable
    os.utime(path, ns=(1_700_000_000_000_000_001, 1_700_000_000_000_000_001))
    assert [o.etag for o in folder.list_objects()] != [first.etag]  # touched
    path.write_bytes(b"four")
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    assert [o.etag for o in folder.list_objects()] != [first.etag]  # resized


def test_a_missing_folder_lists_empty_and_an_unreadable_one_is_unavailable(folder):
    assert not folder.root.exists() and list(folder.list_objects()) == []
    folder.root.write_bytes(b"a file where the folder should be")
    with pytest.raises(ServiceUnavailable, match="cannot be read"):
        list(folder.list_objects())


def test_signed_links_verify_until_they_expire(folder, clock):
    url = folder.signed_url("ana/post 1/é.jpg", 60)
    assert url.startswith("https://app.example/media/ana/post%201/%C3%A9.jpg?exp=")
    query = dict(p.split("=", 1) for p in url.split("?", 1)[1].split("&"))
    assert folder.verify("ana/post 1/é.jpg", query["exp"], query["sig"])
    assert not folder.verify("ana/post 1/other.jpg", query["exp"], query["sig"])
    assert not folder.verify("ana/post 1/é.jpg", str(int(query["exp"]) + 1), query["sig"])
    assert not folder.verify("ana/post 1/é.jpg", query["exp"], query["sig"][:-1] + "A")
    for exp, sig in [
        (None, query["sig"]),
        (query["exp"], None),
        ("-5", query["sig"]),
        ("1e9", query["sig"]),
        ("9" * 40, query["sig"]),
        ("", query["sig"]),
        ("²", query["sig"]),
        ("\u0661\u0662", query["sig"]),
        (query["exp"] + " ", query["sig"]),
        (query["exp"], query["sig"] + "é"),
        (query["exp"], "é" * 43),
        (query["exp"], "\udcff"),
    ]:
        assert not folder.verify("ana/post 1/é.jpg", exp, sig)
    clock.advance(seconds=59)
    assert folder.verify("ana/post 1/é.jpg", query["exp"], query["sig"])
    clock.advance(seconds=1)
    assert not folder.verify("ana/post 1/é.jpg", query["exp"], query["sig"])


def test_links_are_signed_with_the_secret_key(tmp_path, clock):
    one = LocalFolderStorage(tmp_path, "https://app.example", HmacSigner(SECRET, clock), clock)
    two = LocalFolderStorage(
        tmp_path, "https://app.example", HmacSigner(SECRET.upper(), clock), clock
    )
    assert one.signed_url("a/p/x.jpg", 60) != two.signed_url("a/p/x.jpg", 60)


def test_links_signed_before_the_shared_signer_stay_valid(folder, clock):
    """Same key (sha256 of "creatorflix-media:" and the secret), same message, same text:
    the links in pages already served keep working until they expire."""
    key = hashlib.sha256(b"creatorflix-media:" + SECRET.encode()).digest()
    exp = str(int(clock.now().replace(tzinfo=UTC).timestamp()) + 60)
    before = (
        base64.urlsafe_b64encode(
            hmac.new(key, f"{exp}\nana/p/é.jpg".encode(), hashlib.sha256).digest()
        )
        .rstrip(b"=")
        .decode()
    )
    assert folder.verify("ana/p/é.jpg", exp, before)
    assert folder.signed_url("ana/p/é.jpg", 60).endswith(f"?exp={exp}&sig={before}")


def test_media_signatures_are_not_postback_tokens_or_access_tokens(folder):
    """The signer's keys are per purpose: a media signature checks as nothing else."""
    signer = HmacSigner(SECRET, FakeClock())
    query = dict(
        p.split("=", 1) for p in folder.signed_url("a/p/x.jpg", 60).split("?")[1].split("&")
    )
    message = f"{query['exp']}\na/p/x.jpg"
    assert signer.check("media", message, query["sig"])
    assert not signer.check("webhook", message, query["sig"])
    assert signer.verify("access", query["sig"]) is None


def test_public_urls_round_trip_keys(folder):
    url = folder.public_url("ana/p/a+b?.jpg")
    assert "?" not in url and folder.key_from_url(url) == "ana/p/a+b?.jpg"
    assert folder.key_from_url("https://cdn.example.com/ana/p/a.jpg") is None


def test_only_the_layouts_images_and_videos_are_served(folder):
    write(folder.root, "ana/p/notes.txt", b"text")
    write(folder.root, "ana/p/page.html", b"<script>")
    write(folder.root, "ana/p/noext", b"x")
    for key in ("ana/p/notes.txt", "ana/p/page.html", "ana/p/noext"):
        with pytest.raises(NotFound):
            folder.open(key)


def test_open_streams_files_with_their_content_type(folder):
    write(folder.root, "ana/p/a.JPG", b"jpeg")
    write(folder.root, "ana/p/b.mkv", b"matroska")
    opened = folder.open("ana/p/a.JPG")
    with opened.stream:
        assert (opened.stream.read(), opened.size, opened.content_type) == (
            b"jpeg",
            4,
            "image/jpeg",
        )
    video = folder.open("ana/p/b.mkv")
    with video.stream:
        assert (video.stream.read(), video.content_type) == (b"matroska", "video/x-matroska")


@pytest.mark.parametrize(
    "key",
    [
        "../secret.jpg",
        "ana/../../secret.jpg",
        "ana/./p/a.jpg",
        "/etc/passwd",
        "ana//p/a.jpg",
        "ana/p",
        "ana/p/missing.jpg",
        "ana/link/secret.jpg",
        "ana/p/s.jpg",
        "nul\x00/a.jpg",
    ],
)
def test_open_never_leaves_the_folder(folder, tmp_path, key):
    write(folder.root, "ana/p/a.jpg")
    write(tmp_path, "secret.jpg")
    os.symlink(tmp_path, folder.root / "ana" / "link")
    os.symlink(tmp_path / "secret.jpg", folder.root / "ana" / "p" / "s.jpg")
    with pytest.raises(NotFound):
        folder.open(key)


def test_the_factory_picks_the_storage_by_url(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = Config(
        storage_url=f"file://{tmp_path}/media", secret_key=SECRET, public_url="https://app.example"
    )
    signer = HmacSigner(SECRET, FakeClock())
    local = storage_from_url(config, signer=signer)
    assert isinstance(local, LocalFolderStorage) and local.root == tmp_path / "media"
    assert local.public_url("a/p/b.jpg") == "https://app.example/media/a/p/b.jpg"
    relative = storage_from_url(
        Config(storage_url="file://./media", secret_key=SECRET), signer=signer
    )
    assert relative.root == tmp_path / "media"
    with pytest.raises(ValueError, match="signer"):
        storage_from_url(config)


@pytest.mark.parametrize(
    "url,folder",
    [
        ("file:///srv/media", "/srv/media"),
        ("file://localhost/srv/media", "/srv/media"),
        ("file://LOCALHOST/srv/media", "/srv/media"),
        ("file:///srv/my%20media", "/srv/my media"),
        ("file://./media", "./media"),
        ("file://media", "media"),
        ("file://media/sub", "media/sub"),
        ("file:media", "media"),
        ("file:/srv/media", "/srv/media"),
    ],
)
def test_file_urls_name_their_folder(url, folder):
    assert folder_of_file_url(url) == folder


@pytest.mark.parametrize("url", ["file://", "file://localhost", "s3://host/bucket"])
def test_file_urls_without_a_folder_are_refused(url):
    with pytest.raises(ValueError):
        folder_of_file_url(url)


def test_the_factory_reads_localhost_file_urls_as_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    local = storage_from_url(
        Config(storage_url=f"file://localhost{tmp_path}/media", secret_key=SECRET),
        signer=HmacSigner(SECRET, FakeClock()),
    )
    assert local.root == tmp_path / "media"
