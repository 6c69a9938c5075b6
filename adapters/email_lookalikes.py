"""Look-alike email addresses, by ICU's implementation of Unicode Technical Standard #39
(Unicode Security Mechanisms), through PyICU: the confusable `skeleton` (two strings
with the same skeleton look alike: `аlice` with a Cyrillic а, `alıce` with a dotless ı
and `alice` all have the skeleton `alice`) and the restriction level of identifiers
(HIGHLY_RESTRICTIVE: one script, or Latin with the Han/Japanese/Korean combinations
people write; invisible marks refused).

ICU keeps its confusables data current with each Unicode version; a hand-made table
would not. `pyicu-wheels` is PyICU built as wheels (PyICU itself ships as source only
and needs ICU's headers and a C++ compiler)."""

from __future__ import annotations

import threading
import unicodedata

import icu

# Scripts whose letters have a precomposed form for every accent people type: a
# combining mark still standing after NFC on one of their letters (i + U+0307 in
# `ali̇ce`) draws a letter that is not there, so the address is refused.
_PRECOMPOSED_SCRIPTS = {"Latin", "Greek", "Cyrillic"}

_local = threading.local()


def _checker() -> icu.SpoofChecker:
    """One SpoofChecker per thread (ICU checkers are not to be shared while in use)."""
    checker = getattr(_local, "checker", None)
    if checker is None:
        checker = icu.SpoofChecker()
        checker.setChecks(
            icu.USpoofChecks.RESTRICTION_LEVEL
            | icu.USpoofChecks.INVISIBLE
            | icu.USpoofChecks.MIXED_NUMBERS
        )
        checker.setRestrictionLevel(icu.URestrictionLevel.HIGHLY_RESTRICTIVE)
        _local.checker = checker
    return checker


def skeleton(text: str) -> str:
    """The UTS #39 skeleton of `text` (of an address: what it looks like)."""
    return _checker().getSkeleton(0, text)


def _script(char: str) -> str:
    return icu.Script.getScript(ord(char)).getName()


def _stray_mark(text: str) -> bool:
    base = None
    for char in unicodedata.normalize("NFC", text):
        if unicodedata.combining(char):
            if base is not None and _script(base) in _PRECOMPOSED_SCRIPTS:
                return True
        else:
            base = char
    return False


class IcuEmailLookalikes:
    """The AddressLookalikes port (ports/accounts.py) on ICU."""

    def skeleton(self, email: str) -> str:
        return skeleton(email)

    def problem(self, email: str) -> str | None:
        local = email.rpartition("@")[0]
        if _checker().check(local) != 0:
            return "the address mixes scripts (or holds invisible marks) in its local part"
        if _stray_mark(local):
            return "the address holds a combining mark that draws a letter it does not have"
        return None
