"""The sales rules people read (issue 23): amounts as Excel pt-BR reads them, local
times, and what a search box means (digits: CPF or phone; anything else: name/email)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.common.errors import ValidationError
from domain.payments.sales import brl, local_text, parse_sales_query, search_terms

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


@given(st.integers(-(10**9), 10**9))
def test_an_amount_is_reais_comma_cents_and_reads_back(cents):
    text = brl(cents)
    reais, _, centavos = text.lstrip("-").partition(",")
    assert len(centavos) == 2 and "." not in text
    assert (-1 if text.startswith("-") else 1) * (int(reais) * 100 + int(centavos)) == cents


def test_known_amounts():
    assert (brl(2990), brl(5), brl(100000), brl(0)) == ("29,90", "0,05", "1000,00", "0,00")


def test_local_times_are_sao_paulo_s():
    assert local_text(datetime(2026, 1, 1, 2, 30), SAO_PAULO) == "31/12/2025 23:30:00"
    assert local_text(None, SAO_PAULO) == ""


@pytest.mark.parametrize(
    "typed,terms",
    [
        ("123.456.789-09", (None, "12345678909")),
        ("(11) 98765-4321", (None, "11987654321")),
        ("Ana Souza", ("ana souza", None)),
        ("ANA@Example.com", ("ana@example.com", None)),
        ("  ", (None, None)),
        (None, (None, None)),
    ],
)
def test_what_a_search_means(typed, terms):
    assert search_terms(typed) == terms


def test_too_few_digits_say_so():
    with pytest.raises(ValidationError) as refused:
        search_terms("12")
    assert refused.value.field == "q"


def test_local_days_become_a_utc_range():
    query = parse_sales_query({"from": "2026-01-01", "to": "2026-01-01"}, SAO_PAULO)
    assert (query.since, query.until) == (datetime(2026, 1, 1, 3), datetime(2026, 1, 2, 3))
    with pytest.raises(ValidationError):
        parse_sales_query({"from": "2026-01-02", "to": "2026-01-01"}, SAO_PAULO)
