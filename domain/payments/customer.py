"""The buyer's details typed at checkout: name, email, CPF and phone."""

from __future__ import annotations

import re
from typing import Any

from attrs import frozen

from domain.accounts.users import normalize_email
from domain.common.errors import ValidationError
from domain.common.fields import Field, Text

PREFIX = "customer"

# Digits are ASCII digits: `\d` would also take Arabic-Indic or full-width ones, which
# no gateway reads as the same number. Only the usual punctuation may surround them.
_CPF_TEXT = re.compile(r"[0-9][0-9. /-]*")
_PHONE_TEXT = re.compile(r"\+?[0-9 ().-]+")


@frozen
class Customer:
    """Validated buyer details. `document` (CPF) and `phone` hold digits only."""

    name: str
    email: str
    document: str
    phone: str


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text)


def cpf_check_digits(first_nine: str) -> str:
    """The two check digits of a CPF (modulo 11, weights 10..2 then 11..2)."""
    digits = [int(d) for d in first_nine]
    for weight_start in (10, 11):
        total = sum(d * w for d, w in zip(digits, range(weight_start, 1, -1)))
        rest = total * 10 % 11
        digits.append(0 if rest == 10 else rest)
    return "".join(str(d) for d in digits[9:])


def is_valid_cpf(digits: str) -> bool:
    """Eleven ASCII digits, not all the same, with correct check digits."""
    if not re.fullmatch(r"[0-9]{11}", digits) or len(set(digits)) == 1:
        return False
    return cpf_check_digits(digits[:9]) == digits[9:]


def normalize_phone(raw: str) -> str | None:
    """Brazilian phone digits: area code + number (10 or 11 digits); a leading +55
    country code is dropped. None when it is not such a number."""
    if not _PHONE_TEXT.fullmatch(raw):
        return None
    digits = _digits(raw)
    if len(digits) in (12, 13) and digits.startswith("55"):
        digits = digits[2:]
    return digits if len(digits) in (10, 11) else None


def _cpf(text: str, name: str) -> str:
    digits = _digits(text) if _CPF_TEXT.fullmatch(text) else ""
    if not is_valid_cpf(digits):
        raise ValidationError(f"{name} must be a valid CPF", field=name)
    return digits


def _phone(text: str, name: str) -> str:
    phone = normalize_phone(text)
    if phone is None:
        raise ValidationError(
            f"{name} must have 10 or 11 digits (area code and number)", field=name
        )
    return phone


def _email(text: str, name: str) -> str:
    return normalize_email(text, field=name)


def _required(max_length: int, normalize=None, description: str = "") -> Text:
    return Text(
        required=True,
        nullable=False,
        max_length=max_length,
        normalize=normalize,
        description=description,
    )


# The `customer` object: fields.Text refuses NUL and lone surrogates (no database can
# store them) before each field's own rule runs.
CUSTOMER_FIELDS: dict[str, Text] = {
    "name": _required(120),
    "email": _required(254, _email),
    "document": _required(20, _cpf, "CPF (11 digits), with or without punctuation"),
    "phone": _required(30, _phone, "area code and number (10 or 11 digits), +55 optional"),
}


def parse_customer(data: Any) -> Customer:
    """Validate the `customer` object of a checkout; errors name `customer.<field>`."""
    if not isinstance(data, dict):
        raise ValidationError(
            "customer must be an object with name, email, document and phone", field=PREFIX
        )
    for key in data:
        if key not in CUSTOMER_FIELDS:
            where = f"{PREFIX}.{str(key)[:50]}".encode("utf-8", "replace").decode()
            raise ValidationError(f"unknown field {where}", field=where)
    values = {}
    for name, spec in CUSTOMER_FIELDS.items():
        where = f"{PREFIX}.{name}"
        if name not in data:
            raise ValidationError(f"{where} is required", field=where)
        values[name] = spec.read(data[name], where)
    return Customer(**values)


@frozen
class CustomerField(Field):
    """The `customer` object of a request body, for `parse_fields`."""

    def parse(self, value: Any, name: str) -> Customer:
        return parse_customer(value)
