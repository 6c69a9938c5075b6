"""Domain events: what a use case changed, recorded on its unit of work and handed to
the handlers of the event's type in the same transaction, just before it commits
(cosmicpython's message bus, without a queue). Event classes live in their capability
(domain/<cap>/events.py); the table of handlers is built in entrypoints/bootstrap.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

import attrs
from attrs import frozen


@frozen(kw_only=True)
class Event:
    """A change that happened. Payloads carry ids, amounts in cents and statuses —
    enough to describe the change to someone outside (an outgoing webhook) — never a
    secret. `name` is stable and dotted (`checkout.paid`): it is what outsiders see."""

    name: ClassVar[str] = "event"
    occurred_at: datetime

    def payload(self) -> dict[str, Any]:
        """The event's fields as plain JSON-ready values (StrEnums are strings;
        datetimes stay datetimes for the serialiser to format)."""
        return attrs.asdict(self, recurse=False)
