"""The brand: the site's name, logo, primary colour and support address, chosen by the
admins (kept as `brand.*` rows of admin_settings) and used by every page, mail and
social preview. Unset values fall back to DEFAULT."""

from __future__ import annotations

import re
from typing import Any

import attrs
from attrs import frozen

from domain.accounts.users import normalize_email
from domain.catalog.entities import Setting
from domain.common.errors import ValidationError
from domain.common.fields import HttpUrl, Text, parse_fields
from ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

PREFIX = "brand."
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _colour(text: str, name: str) -> str:
    if not _COLOUR.fullmatch(text):
        raise ValidationError(f"{name} must be a colour as #rrggbb", field=name)
    return text.lower()


def _email(text: str, name: str) -> str:
    return normalize_email(text, field=name) if text else ""


@frozen
class Brand:
    site_name: str = "CreatorFlix"
    logo_url: str = ""  # an upload's URL (or any http(s) URL); "" for none
    primary_color: str = "#e11d48"  # the web client's --accent
    support_email: str = ""


DEFAULT = Brand()
FIELDS = {
    "site_name": Text(
        required=True,
        nullable=False,
        max_length=60,
        description="the name in titles, header, footer, mails",
    ),
    "logo_url": Text(
        nullable=False,
        max_length=2048,
        description="http(s) URL (an upload's url); empty for none",
        normalize=lambda text, name: HttpUrl().parse(text, name) if text else "",
    ),
    "primary_color": Text(
        required=True, nullable=False, max_length=7, description="#rrggbb", normalize=_colour
    ),
    "support_email": Text(
        nullable=False, max_length=254, description="empty for none", normalize=_email
    ),
}


def read_brand(uow: UnitOfWork) -> Brand:
    """The brand in `uow`'s transaction (the defaults where nothing is set)."""
    values: dict[str, Any] = {}
    for name in attrs.fields_dict(Brand):
        setting = uow.settings.get(PREFIX + name)
        if setting is not None and (setting.value or name in ("logo_url", "support_email")):
            values[name] = setting.value
    return Brand(**values)


def get_brand(uow_factory: UnitOfWorkFactory) -> Brand:
    with uow_factory() as uow:
        return read_brand(uow)


def parse_brand(data: Any) -> Brand:
    """A whole brand from a JSON body (every field named on error)."""
    values = parse_fields(FIELDS, data, partial=True)
    return attrs.evolve(DEFAULT, **values)


def put_brand(uow_factory: UnitOfWorkFactory, brand: Brand) -> Brand:
    """Replace the brand, every field in one transaction."""
    with uow_factory() as uow:
        for name, value in attrs.asdict(brand).items():
            setting = Setting(key=PREFIX + name, value=value)
            if uow.settings.get(setting.key) is None:
                uow.settings.add(setting)
            else:
                uow.settings.update(setting)
        uow.commit()
        return read_brand(uow)
