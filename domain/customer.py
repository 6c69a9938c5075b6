"""The buyer's details typed at checkout: name, email, CPF and phone."""
from __future__ import annotations

import re
from typing import Any

from attrs import frozen

from domain.accounts import normalize_email
from domain.errors import ValidationError
from domain.fields import Field

PREFIX = "customer"
_FIELDS = ("name", "email", "document", "phone")


@frozen
class Customer:
    """Validated buyer details. `document` (CPF) and `phone` hold digits only."""

    name: str
    email: str
    document: str
    phone: str


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def cpf_check_digits(first_nine: str) -> str:
    """The two check digits of a CPF (modulo 11, weights 10..2 then 11..2)."""
    digits = [int(d) for d in first_nine]
    for weight_start in (10, 11):
        total = sum(d * w for d, w in zip(digits, range(weight_start, 1, -1)))
        rest = total * 10 % 11
        digits.append(0 if rest == 10 else rest)
    return "".join(str(d) for d in digits[9:])


def is_valid_cpf(digits: str) -> bool:
    """Eleven digits, not all the same, with correct check digits."""
    if not re.fullmatch(r"\d{11}", digits) or len(set(digits)) == 1:
        return False
    return cpf_check_digits(digits[:9]) == digits[9:]


def normalize_phone(raw: str) -> str | None:
    """Brazilian phone digits: area code + number (10 or 11 digits); a leading +55
    country code is dropped. None when it is not such a number."""
    digits = _digits(raw)
    if len(digits) in (12, 13) and digits.startswith("55"):
        digits = digits[2:]
    return digits if len(digits) in (10, 11) else None


def _text(data: dict, name: str, max_length: int) -> str:
    where = f"{PREFIX}.{name}"
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{where} is required", field=where)
    value = value.strip()
    if len(value) > max_length or "\x00" in value:
        raise ValidationError(f"{where} must have at most {max_length} characters",
                              field=where)
    return value


def parse_customer(data: Any) -> Customer:
    """Validate the `customer` object of a checkout; errors name `customer.<field>`."""
    if not isinstance(data, dict):
        raise ValidationError("customer must be an object with name, email, document and "
                              "phone", field=PREFIX)
    for key in data:
        if key not in _FIELDS:
            raise ValidationError(f"unknown field {PREFIX}.{str(key)[:50]}",
                                  field=f"{PREFIX}.{str(key)[:50]}")
    name = _text(data, "name", 120)
    email = normalize_email(_text(data, "email", 254), field=f"{PREFIX}.email")
    document = _digits(_text(data, "document", 20))
    if not is_valid_cpf(document):
        raise ValidationError("customer.document must be a valid CPF", field="customer.document")
    phone = normalize_phone(_text(data, "phone", 30))
    if phone is None:
        raise ValidationError("customer.phone must have 10 or 11 digits (area code and number)",
                              field="customer.phone")
    return Customer(name=name, email=email, document=document, phone=phone)


@frozen
class CustomerField(Field):
    """The `customer` object of a request body, for `parse_fields`."""

    def parse(self, value: Any, name: str) -> Customer:
        return parse_customer(value)
