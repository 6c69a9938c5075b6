"""Slugs of creators' pages: made from names as the original made them (pt-BR accents
folded), always in the format an administrator must also follow, unique by suffix."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.catalog.slugs import (
    FALLBACK,
    SLUG,
    SLUG_MAX_LENGTH,
    check_slug,
    free_slug,
    slug_candidates,
    slugify,
)
from domain.common.errors import ValidationError


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Júlia Ávila", "julia-avila"),
        ("São João", "sao-joao"),
        ("Ação & Reação!", "acao-reacao"),
        ("  Ana   Maria  ", "ana-maria"),
        ("Conceição Müller-Núñez", "conceicao-muller-nunez"),
        ("Luna_Vega 2024", "luna-vega-2024"),
        ("Straße Øresund", "strasse-oresund"),
        ("MIA", "mia"),
        ("", FALLBACK),
        ("!!!", FALLBACK),
        ("中文", FALLBACK),
    ],
)
def test_slugs_fold_accents_and_keep_letters_and_digits(name, slug):
    assert slugify(name) == slug


def test_a_long_name_is_cut_at_a_word():
    slug = slugify("Maria " * 30)
    assert len(slug) <= SLUG_MAX_LENGTH and slug.endswith("maria") and "--" not in slug
    assert slugify("a" * 200) == "a" * SLUG_MAX_LENGTH


@settings(max_examples=300)
@given(st.text(max_size=300))
def test_every_name_gives_a_valid_slug(name):
    slug = slugify(name)
    assert SLUG.fullmatch(slug) and len(slug) <= SLUG_MAX_LENGTH
    assert slugify(slug) == slug  # a slug is its own slug
    assert check_slug(slug) == slug  # what admins must give, we make


@settings(max_examples=100)
@given(st.text(max_size=200))
def test_candidates_are_distinct_valid_slugs(name):
    candidates = list(itertools.islice(slug_candidates(name), 12))
    assert candidates[0] == slugify(name)
    assert len(set(candidates)) == len(candidates)
    for candidate in candidates:
        assert SLUG.fullmatch(candidate) and len(candidate) <= SLUG_MAX_LENGTH
    assert [c.rsplit("-", 1)[1] for c in candidates[1:]] == [str(n) for n in range(2, 13)]


def test_the_first_free_candidate_is_taken():
    taken = {"julia-avila", "julia-avila-2"}
    assert free_slug("Júlia Ávila", taken.__contains__) == "julia-avila-3"
    assert free_slug("Mia", taken.__contains__) == "mia"
    long_taken = {slugify("x" * 100)}
    assert free_slug("x" * 100, long_taken.__contains__) == "x" * (SLUG_MAX_LENGTH - 2) + "-2"


@pytest.mark.parametrize(
    "bad",
    [
        "Julia",
        "julia_avila",
        "-julia",
        "julia-",
        "julia--avila",
        "júlia",
        "julia avila",
        "a" * (SLUG_MAX_LENGTH + 1),
        "",
    ],
)
def test_an_administrators_slug_must_be_in_the_format(bad):
    with pytest.raises(ValidationError) as raised:
        check_slug(bad)
    assert raised.value.field == "slug"
