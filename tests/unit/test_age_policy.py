"""The age gate's rule and the OIDC outcome, as pure functions (domain.assurance)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from domain.assurance.oidc_claims import is_adult
from domain.assurance.policy import ADULT_MEDIA, may_see_adult_media, shown


def test_who_may_see_adult_media():
    assert may_see_adult_media(gate_on=False, is_admin=False, assured=False)
    assert may_see_adult_media(gate_on=True, is_admin=True, assured=False)
    assert may_see_adult_media(gate_on=True, is_admin=False, assured=True)
    assert not may_see_adult_media(gate_on=True, is_admin=False, assured=False)


@given(
    kind=st.sampled_from(sorted(ADULT_MEDIA)),
    record=st.dictionaries(
        st.sampled_from(
            [
                "id",
                "name",
                "icon_url",
                "banner_url",
                "thumbnail_url",
                "content_url",
                "image_url",
                "media_cdns",
                "title",
            ]
        ),
        st.one_of(st.none(), st.text(max_size=5)),
    ),
)
def test_shown_withholds_exactly_the_media_fields_and_never_changes_the_record(kind, record):
    before = dict(record)
    hidden = shown(kind, record, allowed=False)
    assert record == before  # a cached record stays as it was
    assert set(hidden) == set(record)
    for name, value in record.items():
        assert hidden[name] == (None if name in ADULT_MEDIA[kind] else value)
    assert shown(kind, record, allowed=True) == record


TODAY = date(2026, 12, 1)


def test_a_birthdate_must_be_18_years_ago_or_more():
    assert is_adult({"birthdate": "2008-12-01"}, "birthdate", TODAY)
    assert not is_adult({"birthdate": "2008-12-02"}, "birthdate", TODAY)
    assert not is_adult({"birthdate": "not a date"}, "birthdate", TODAY)
    assert not is_adult({}, "birthdate", TODAY)


def test_a_boolean_claim():
    assert is_adult({"age_over_18": True}, "age_over_18", TODAY)
    assert not is_adult({"age_over_18": False}, "age_over_18", TODAY)
    assert not is_adult({"age_over_18": "yes"}, "age_over_18", TODAY)
    assert not is_adult({"age_over_18": 1}, "age_over_18", TODAY)
