"""The event dispatch both units of work share: events recorded in a unit wait here
until its commit hands them to their handlers (same transaction), or its rollback
drops them."""

from __future__ import annotations

from collections import deque

from domain.common.events import Event
from ports.unit_of_work import EventHandler, EventHandlers, UnitOfWork

NO_HANDLERS: EventHandlers = {}


class RecordedEvents:
    """The events of one unit of work, first recorded first handled."""

    def __init__(self, handlers: EventHandlers) -> None:
        self.handlers = handlers
        self._waiting: deque[Event] = deque()

    def record(self, event: Event) -> None:
        self._waiting.append(event)

    def dispatch(self, uow: UnitOfWork) -> None:
        """Run every handler of every waiting event, and of each event a handler
        records meanwhile, until none is left. An exception propagates (the caller's
        unit of work then rolls back) and drops what was still waiting."""
        try:
            while self._waiting:
                event = self._waiting.popleft()
                for handler in self.handlers_of(type(event)):
                    handler(event, uow)
        except BaseException:
            self._waiting.clear()
            raise

    def handlers_of(self, kind: type[Event]) -> list[EventHandler]:
        """The handlers of `kind`, then those of its base classes up to Event: a
        handler of Event sees every event (e.g. one writing each to an outbox)."""
        return [
            handler
            for cls in kind.__mro__
            if isinstance(cls, type) and issubclass(cls, Event)
            for handler in self.handlers.get(cls, ())
        ]

    def drop(self) -> None:
        self._waiting.clear()
