"""The buyer's details: CPF check digits, Brazilian phone digits, errors naming the field."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.common.errors import ValidationError
from domain.payments.customer import cpf_check_digits, is_valid_cpf, parse_customer
from tests.support.payments import customer


def test_a_valid_customer_is_stored_as_digits_and_lower_case_email():
    parsed = parse_customer(customer(email=" Ana@Example.COM ", phone="+55 (11) 98765-4321"))
    assert parsed.email == "ana@example.com"
    assert parsed.document == "52998224725"
    assert parsed.phone == "11987654321"
    assert parse_customer(customer(phone="1133334444")).phone == "1133334444"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_cpf_check_digits_are_what_validation_expects(first_nine):
    cpf = first_nine + cpf_check_digits(first_nine)
    assert is_valid_cpf(cpf) == (len(set(cpf)) > 1)
    wrong = cpf[:10] + str((int(cpf[10]) + 1) % 10)
    assert not is_valid_cpf(wrong)


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", ""),
        ("name", "   "),
        ("name", 5),
        ("name", "x" * 121),
        ("email", "not-an-email"),
        ("email", None),
        ("document", "529.982.247-26"),
        ("document", "111.111.111-11"),
        ("document", "1234"),
        ("phone", "98765-4321"),
        ("phone", "123456789012345"),
        ("phone", ""),
    ],
)
def test_bad_details_are_refused_naming_the_field(field, value):
    with pytest.raises(ValidationError) as caught:
        parse_customer(customer(**{field: value}))
    assert caught.value.field == f"customer.{field}"


def test_unknown_fields_and_non_objects_are_refused():
    with pytest.raises(ValidationError) as caught:
        parse_customer({**customer(), "cpf": "x"})
    assert caught.value.field == "customer.cpf"
    with pytest.raises(ValidationError) as caught:
        parse_customer("ana")
    assert caught.value.field == "customer"


@pytest.mark.parametrize(
    "field, value",
    [
        ("document", "٥٢٩٩٨٢٢٤٧٢٥"),  # Arabic-Indic digits
        ("document", "５２９９８２２４７２５"),  # full-width digits
        ("document", "529.982.247-25٥"),  # one foreign digit among ASCII ones
        ("document", "٥٢٩٩٨٢٢٤٧25"),  # foreign digits, ASCII check digits
        ("phone", "١١٩٨٧٦٥٤٣٢١"),
        ("phone", "(11) 98765-432١"),
        ("phone", "(11) ９８７６５-４３２１"),
    ],
)
def test_only_ascii_digits_count_as_digits(field, value):
    with pytest.raises(ValidationError) as caught:
        parse_customer(customer(**{field: value}))
    assert caught.value.field == f"customer.{field}"


@given(st.text(alphabet=st.characters(categories=["Nd"]), min_size=10, max_size=13))
def test_stored_digits_are_always_ascii(digits):
    for field in ("document", "phone"):
        try:
            parsed = parse_customer(customer(**{field: digits}))
        except ValidationError:
            continue
        assert getattr(parsed, field).isascii() and getattr(parsed, field).isdigit()
