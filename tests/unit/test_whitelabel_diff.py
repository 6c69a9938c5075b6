"""Properties of the pure diff: applied to any stored state it yields the bucket's
catalogue, a second diff is empty, and a sync stopped after any batch converges."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.whitelabel.diff import (
    CREATE,
    DELETE,
    MODELS,
    POSTS,
    StoredCatalogue,
    StoredMedia,
    StoredModel,
    StoredPost,
    diff,
    media_token,
)
from domain.whitelabel.scan import BucketScan, cdns_fingerprint, describe, split_media_key
from ports.storage import StoredObject
from tests.support.whitelabel import buckets

BASES = ["https://cdn-one.example/", "https://cdn-two.example/"]


def url_of_base(base: str):
    return lambda key: base + key


# -- a reference interpreter of the plan, standing for the database ------------------
def apply_batch(stored: StoredCatalogue, batch, ids) -> None:
    """Apply one batch to `stored` as the repositories do (parents by folder name,
    deleting cascades)."""
    models, posts, media = stored.models, stored.posts, stored.media
    if batch.action == DELETE:
        gone = set(batch.rows)
        if batch.kind == MODELS:
            for folder in [f for f, m in models.items() if m.id in gone]:
                del models[folder]
        if batch.kind in (MODELS, POSTS):
            for key in [k for k, p in posts.items() if p.id in gone or k[0] not in models]:
                del posts[key]
        for key in [
            k for k, m in media.items() if m.id in gone or split_media_key(k)[:2] not in posts
        ]:
            del media[key]
        return
    for row in batch.rows:
        if batch.kind == MODELS:
            folder = (
                row.folder_name
                if batch.action == CREATE
                else next(f for f, m in models.items() if m.id == row.id)
            )
            pk = next(ids) if batch.action == CREATE else row.id
            models[folder] = StoredModel(
                pk, folder, row.thumbnail_url, row.icon_url, row.banner_url, row.post_count
            )
        elif batch.kind == POSTS:
            if batch.action == CREATE:
                if row.model_folder in models:  # INSERT ... SELECT semantics
                    posts[(row.model_folder, row.folder_name)] = StoredPost(
                        next(ids),
                        models[row.model_folder].id,
                        row.folder_name,
                        row.title,
                        cdns_fingerprint(row.media_cdns),
                    )
            else:
                key, old = next((k, p) for k, p in posts.items() if p.id == row.id)
                posts[key] = old._replace(
                    title=row.title, fingerprint=cdns_fingerprint(row.media_cdns)
                )
        else:
            if batch.action == CREATE:
                if (row.model_folder, row.post_folder) in posts:
                    media[row.s3_key] = StoredMedia(
                        next(ids), media_token(row.url, row.etag, row.size)
                    )
            else:
                key = next(k for k, m in media.items() if m.id == row.id)
                media[key] = StoredMedia(row.id, media_token(row.url, row.etag, row.size))


def sync(bucket, stored, url_of, ids, batch_size=3, stop_after=None):
    scan = BucketScan().add_all(StoredObject(k, s, e) for k, (s, e) in bucket.items())
    plan = diff(describe(scan, url_of), stored)
    for n, batch in enumerate(plan.batches(batch_size)):
        if stop_after is not None and n >= stop_after:
            break
        apply_batch(stored, batch, ids)
    return plan


# -- an independent statement of what the catalogue of a bucket is --------------------
# PRODUCT.md's layout, spelled out for the names the `buckets` strategy draws from
# (tests.support.whitelabel): which files are images, videos, hidden or unsupported is
# listed here by hand, not asked of the production parser.
IMAGE_FILES = {"a.jpg", "b.PNG", "e.gif", "icon.jpg", "banner.webp"}
VIDEO_FILES = {"c.mp4"}
HIDDEN_FILES = {".DS_Store"}
PROFILE_FILES = {"icon.jpg": "icon", "banner.webp": "banner"}


def expected_catalogue(bucket, url_of):
    models, profile, posts, media = set(), {}, {}, {}
    for key, (size, etag) in bucket.items():
        parts = key.split("/")
        if len(parts) not in (2, 3) or parts[-1] in HIDDEN_FILES:
            continue  # at the root, nested too deep, or hidden
        model, name = parts[0], parts[-1]
        if len(parts) == 2:
            models.add(model)  # MODEL/anything.ext registers the model
        elif parts[1] == "profile":
            if name in PROFILE_FILES:  # other profile files are ignored
                models.add(model)
                profile[(model, PROFILE_FILES[name])] = url_of(key)
        elif name in IMAGE_FILES or name in VIDEO_FILES:
            models.add(model)
            kind = "images" if name in IMAGE_FILES else "videos"
            posts.setdefault((model, parts[1]), {"images": [], "videos": []})[kind].append(key)
            media[key] = media_token(url_of(key), etag, size)
    view_models = {}
    for model in models:
        own = [post for m, post in posts if m == model]
        # The thumbnail: among the model's images, those of its last post by folder name
        # that holds an image, and of these the first by key. (PRODUCT.md says "the first
        # image of its last post"; a newest post of videos only would leave the model
        # without a thumbnail, so the rule skips to the last post that has an image.)
        images = [
            (post, key) for (m, post), cdns in posts.items() if m == model for key in cdns["images"]
        ]
        last = max((post for post, _ in images), default=None)
        thumb = min((key for post, key in images if post == last), default=None)
        view_models[model] = (
            url_of(thumb) if thumb else None,
            profile.get((model, "icon")),
            profile.get((model, "banner")),
            len(own),
        )
    view_posts = {
        key: (
            key[1],
            cdns_fingerprint(
                {kind: [url_of(k) for k in sorted(keys)] for kind, keys in cdns.items()}
            ),
        )
        for key, cdns in posts.items()
    }
    return view_models, view_posts, media


def view(stored: StoredCatalogue):
    return (
        {
            f: (m.thumbnail_url, m.icon_url, m.banner_url, m.post_count)
            for f, m in stored.models.items()
        },
        {k: (p.title, p.fingerprint) for k, p in stored.posts.items()},
        {k: m.token for k, m in stored.media.items()},
    )


@settings(max_examples=300, deadline=None)
@given(
    before=buckets, after=buckets, bases=st.tuples(st.sampled_from(BASES), st.sampled_from(BASES))
)
def test_applying_the_diff_to_any_stored_state_yields_the_buckets_catalogue(before, after, bases):
    ids = itertools.count(1)
    stored = StoredCatalogue()
    sync(before, stored, url_of_base(bases[0]), ids)
    assert view(stored) == expected_catalogue(before, url_of_base(bases[0]))
    sync(after, stored, url_of_base(bases[1]), ids)
    assert view(stored) == expected_catalogue(after, url_of_base(bases[1]))
    assert sync(after, stored, url_of_base(bases[1]), ids).is_empty


@settings(max_examples=300, deadline=None)
@given(before=buckets, after=buckets, stop=st.integers(0, 40), size=st.integers(1, 4))
def test_a_sync_stopped_after_any_batch_converges_on_the_next_run(before, after, stop, size):
    ids, url_of = itertools.count(1), url_of_base(BASES[0])
    stored = StoredCatalogue()
    sync(before, stored, url_of, ids)
    sync(after, stored, url_of, ids, batch_size=size, stop_after=stop)
    sync(after, stored, url_of, ids, batch_size=size)
    assert view(stored) == expected_catalogue(after, url_of)
    assert sync(after, stored, url_of, ids).is_empty


@settings(max_examples=100, deadline=None)
@given(bucket=buckets, seed=st.integers(0, 1000))
def test_the_scan_does_not_depend_on_the_listing_order(bucket, seed):
    objects = [StoredObject(k, s, e) for k, (s, e) in bucket.items()]
    shuffled = objects[:]
    random.Random(seed).shuffle(shuffled)
    one, two = BucketScan().add_all(objects), BucketScan().add_all(shuffled)
    assert (one.media, one.models, one.ignored) == (two.media, two.models, two.ignored)


GUARDED = {
    "ana/p1/a.jpg": (1, "e"),
    "ana/p1/b.jpg": (1, "e"),
    "ana/p2/c.jpg": (1, "e"),
    "bia/p/d.jpg": (1, "e"),
}  # 2 models, 3 posts, 4 media


def without(*keys: str, added: tuple[str, ...] = ()) -> dict:
    return {**{k: v for k, v in GUARDED.items() if k not in keys}, **{k: (1, "e") for k in added}}


@pytest.mark.parametrize(
    "after,refusal",
    [
        (GUARDED, None),
        (without("ana/p1/b.jpg"), None),
        (without("ana/p1/a.jpg", "ana/p1/b.jpg"), None),  # 2 of 4 media: half
        (without("bia/p/d.jpg"), None),  # 1 of 2 models: half
        (
            without("ana/p1/a.jpg", "ana/p1/b.jpg", "ana/p2/c.jpg"),
            "the sync would delete 2 of 3 posts (more than half)",
        ),
        (
            without("ana/p2/c.jpg", "bia/p/d.jpg", added=("cy/p/x.jpg", "dee/p/y.jpg")),
            "the sync would delete 2 of 3 posts (more than half)",
        ),  # new objects do not count
        (
            without(
                "ana/p1/a.jpg",
                "ana/p1/b.jpg",
                "ana/p2/c.jpg",
                added=("ana/p1/z.jpg", "ana/p2/y.jpg"),
            ),  # every file renamed
            "the sync would delete 3 of 4 media (more than half)",
        ),
        (
            {},
            "the bucket listing holds no model but the catalogue has 2: refusing to delete "
            "them all",
        ),
        (
            {".DS_Store": (1, "e"), "ana/notes/x.txt": (1, "e")},
            "the bucket listing holds no model but the catalogue has 2: refusing to delete "
            "them all",
        ),
    ],
)
def test_the_mass_delete_guard(after, refusal):
    stored = StoredCatalogue()
    sync(GUARDED, stored, url_of_base(BASES[0]), itertools.count(1))
    scan = BucketScan().add_all(StoredObject(k, s, e) for k, (s, e) in after.items())
    assert diff(describe(scan, url_of_base(BASES[0])), stored).refusal() == refusal


def test_a_fresh_install_with_an_empty_bucket_is_not_refused():
    assert diff(describe(BucketScan(), url_of_base(BASES[0])), StoredCatalogue()).refusal() is None


def test_the_plan_orders_creates_then_updates_then_deletes_children_first():
    ids, url_of = itertools.count(1), url_of_base(BASES[0])
    stored = StoredCatalogue()
    sync({"ana/p/a.jpg": (1, "e1"), "bia/q/b.jpg": (1, "e1")}, stored, url_of, ids)
    scan = BucketScan().add_all(
        [StoredObject("ana/p/a.jpg", 2, "e2"), StoredObject("cy/r/c.jpg", 1, "e1")]
    )
    plan = diff(describe(scan, url_of), stored)
    order = [(b.kind, b.action) for b in plan.batches(1000)]
    assert order == [
        ("models", "create"),
        ("posts", "create"),
        ("media", "create"),
        ("media", "update"),
        ("models", "update"),
        ("media", "delete"),
        ("posts", "delete"),
        ("models", "delete"),
    ]
    assert plan.counts()["deleted"] == {"models": 1, "posts": 1, "media": 1}


def test_a_model_whose_newest_post_holds_only_videos_gets_the_previous_posts_image():
    scan = BucketScan().add_all(
        StoredObject(k, 1, "e")
        for k in ["ana/2024-01/b.jpg", "ana/2024-02/clip.mp4", "bia/2024-01/only.mp4"]
    )
    models = describe(scan, lambda k: k).models
    assert models["ana"].thumbnail_url == "ana/2024-01/b.jpg"
    assert models["bia"].thumbnail_url is None


def test_thumbnail_is_the_first_image_of_the_last_post_that_has_one():
    scan = BucketScan().add_all(
        StoredObject(k, 1, "e")
        for k in [
            "ana/2024-01/b.jpg",
            "ana/2024-01/a.jpg",
            "ana/2024-02/z.png",
            "ana/2024-02/y.png",
            "ana/2024-03/only-video.mp4",
            "ana/profile/icon.png",
            "ana/profile/icon.jpg",
        ]
    )
    model = describe(scan, lambda k: k).models["ana"]
    assert model.thumbnail_url == "ana/2024-02/y.png"
    assert model.icon_url == "ana/profile/icon.jpg"  # the first by key wins
    assert model.post_count == 3
