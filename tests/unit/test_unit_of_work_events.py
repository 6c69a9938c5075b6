"""Domain events on the unit of work (ports.unit_of_work): commit() hands what the use
case recorded to its handlers in the same transaction, then commits; a handler that
raises rolls everything back; a unit rolled back never hands anything on."""

from __future__ import annotations

from datetime import datetime

import pytest
from attrs import frozen

from adapters.memory.unit_of_work import MemoryStore, MemoryUnitOfWork
from domain.catalog.entities import Plan
from domain.common.events import Event

NOW = datetime(2026, 1, 1, 12)


@frozen(kw_only=True)
class PlanAdded(Event):
    name = "test.plan_added"
    plan_id: int


@frozen(kw_only=True)
class PlanPriced(Event):
    name = "test.plan_priced"
    plan_id: int
    price: int


class Boom(Exception):
    pass


def names(uow) -> list[str]:
    return [p.name for p in uow.plans.find(order_by=["id"]).items]


def add_plan(uow, name: str, price: int = 100) -> Plan:
    plan = uow.plans.add(Plan(id=None, name=name, price=price, duration=30))
    uow.record(PlanAdded(occurred_at=NOW, plan_id=plan.id))
    return plan


def test_handlers_run_at_commit_in_the_same_transaction_and_in_the_table_order():
    store, seen = MemoryStore(), []

    def first(event, uow):
        # The use case's writes are visible: same transaction, not yet committed.
        seen.append(("first", names(uow)))
        uow.plans.add(Plan(id=None, name=f"bonus of {event.plan_id}", price=1, duration=1))

    def second(event, uow):
        seen.append(("second", names(uow)))

    with MemoryUnitOfWork(store, handlers={PlanAdded: [first, second]}) as uow:
        add_plan(uow, "Mensal")
        assert seen == []  # recording runs nothing
        uow.commit()
        assert seen == [("first", ["Mensal"]), ("second", ["Mensal", "bonus of 1"])]
    with MemoryUnitOfWork(store) as uow:
        assert names(uow) == ["Mensal", "bonus of 1"]


def test_a_handler_that_raises_rolls_the_whole_unit_back():
    store = MemoryStore()

    def writes_then_fails(event, uow):
        uow.plans.add(Plan(id=None, name="half-done", price=1, duration=1))
        raise Boom()

    with pytest.raises(Boom):
        with MemoryUnitOfWork(store, handlers={PlanAdded: [writes_then_fails]}) as uow:
            add_plan(uow, "Mensal")
            uow.commit()
    with MemoryUnitOfWork(store) as uow:
        assert names(uow) == []


def test_the_events_of_a_unit_rolled_back_are_never_handled():
    store, handled = MemoryStore(), []
    table = {PlanAdded: [lambda event, uow: handled.append(event.plan_id)]}
    with MemoryUnitOfWork(store, handlers=table) as uow:
        add_plan(uow, "left without commit")
    with pytest.raises(Boom):
        with MemoryUnitOfWork(store, handlers=table) as uow:
            add_plan(uow, "failed use case")
            raise Boom()
    with MemoryUnitOfWork(store, handlers=table) as uow:
        add_plan(uow, "rolled back")
        uow.rollback()
        uow.commit()  # nothing left to hand on, nothing to write
    assert handled == []
    with MemoryUnitOfWork(store) as uow:
        assert names(uow) == []


def test_events_recorded_by_handlers_are_handled_too_before_the_commit():
    store, log = MemoryStore(), []

    def price_it(event, uow):
        log.append(event.name)
        uow.record(
            PlanPriced(
                occurred_at=event.occurred_at,
                plan_id=event.plan_id,
                price=uow.plans.get(event.plan_id).price,
            )
        )

    def priced(event, uow):
        log.append(f"{event.name}:{event.price}")

    with MemoryUnitOfWork(store, handlers={PlanAdded: [price_it], PlanPriced: [priced]}) as uow:
        add_plan(uow, "Mensal", price=2990)
        uow.commit()
        uow.commit()  # handled once: a second commit finds nothing waiting
    assert log == ["test.plan_added", "test.plan_priced:2990"]


def test_an_event_without_handlers_is_dropped_quietly_and_the_unit_commits():
    store = MemoryStore()
    with MemoryUnitOfWork(store) as uow:
        add_plan(uow, "Mensal")
        uow.commit()
    with MemoryUnitOfWork(store) as uow:
        assert names(uow) == ["Mensal"]


def test_an_event_describes_itself_by_its_stable_name_and_its_fields():
    event = PlanPriced(occurred_at=NOW, plan_id=3, price=2990)
    assert event.name == "test.plan_priced"
    assert event.payload() == {"occurred_at": NOW, "plan_id": 3, "price": 2990}


def test_handlers_of_a_base_class_see_its_events_after_their_own():
    store, log = MemoryStore(), []
    with MemoryUnitOfWork(
        store,
        handlers={
            Event: [lambda event, uow: log.append(f"every:{event.name}")],
            PlanAdded: [lambda event, uow: log.append("added")],
        },
    ) as uow:
        add_plan(uow, "Mensal")
        uow.record(PlanPriced(occurred_at=NOW, plan_id=1, price=100))
        uow.commit()
    assert log == ["added", "every:test.plan_added", "every:test.plan_priced"]
