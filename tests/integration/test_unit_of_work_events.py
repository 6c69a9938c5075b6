"""Domain events on the databases' unit of work: handlers write in the transaction of
the use case, and one that raises takes the use case's writes down with its own
(SQLite and PostgreSQL; tests/unit/test_unit_of_work_events.py has the rest)."""

from __future__ import annotations

from datetime import datetime

import pytest
from attrs import frozen

from adapters.pony.unit_of_work import PonyUnitOfWorkFactory
from domain.catalog.entities import Plan
from domain.common.events import Event

NOW = datetime(2026, 1, 1, 12)


@frozen(kw_only=True)
class PlanAdded(Event):
    name = "test.plan_added"
    plan_id: int


class Boom(Exception):
    pass


def bonus(event, uow) -> None:
    uow.plans.add(Plan(id=None, name=f"bonus of {event.plan_id}", price=1, duration=1))


def fails(event, uow) -> None:
    raise Boom()


def names(factory) -> list[str]:
    with factory() as uow:
        return [p.name for p in uow.plans.find(order_by=["id"]).items]


def add_plan(factory) -> None:
    with factory() as uow:
        plan = uow.plans.add(Plan(id=None, name="Mensal", price=100, duration=30))
        uow.record(PlanAdded(occurred_at=NOW, plan_id=plan.id))
        uow.commit()


def test_a_handler_writes_in_the_use_cases_transaction(pony_backend):
    factory = PonyUnitOfWorkFactory(pony_backend.database, handlers={PlanAdded: [bonus]})
    add_plan(factory)
    assert names(factory) == ["Mensal", "bonus of 1"]


def test_a_handler_that_raises_rolls_back_the_use_case_and_the_other_handlers(pony_backend):
    factory = PonyUnitOfWorkFactory(pony_backend.database, handlers={PlanAdded: [bonus, fails]})
    with pytest.raises(Boom):
        add_plan(factory)
    assert names(factory) == []
    # The next unit of work of the same factory starts clean, and works.
    with factory() as uow:
        uow.plans.add(Plan(id=None, name="Anual", price=100, duration=365))
        uow.commit()
    assert names(factory) == ["Anual"]


def test_the_events_of_a_unit_rolled_back_are_never_handled(pony_backend):
    handled: list[int] = []
    factory = PonyUnitOfWorkFactory(
        pony_backend.database,
        handlers={PlanAdded: [lambda event, uow: handled.append(event.plan_id)]},
    )
    with factory() as uow:
        plan = uow.plans.add(Plan(id=None, name="Mensal", price=100, duration=30))
        uow.record(PlanAdded(occurred_at=NOW, plan_id=plan.id))
    with factory() as uow:  # a unit of the same factory: its own events only
        uow.commit()
    assert handled == [] and names(factory) == []
