"""Sales and customers for the operator (issue 23): the checkouts list searched and
filtered with its totals, its CSV for Excel pt-BR, customers found by CPF (with or without
punctuation) or name, a customer's page, the password link; constant query counts."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import attrs
import pytest
from falcon.testing import TestClient

from domain.mail import messages as t
from entrypoints.http.app import create_app
from tests.support.api import assert_error
from tests.support.deps import Actors, deps_for
from tests.support.payments import add_catalogue, checkout_body, customer, start

SALES = "/api/admin/checkouts"


def _buy(client, plan_id: int, **buyer) -> dict:
    return start(client, checkout_body(plan_id, customer=customer(**buyer)))


def _two_buyers(client, deps, admin) -> tuple[dict, dict]:
    plan, _ = add_catalogue(deps)
    ana = _buy(client, plan.id)
    bia = _buy(
        client,
        plan.id,
        name="Beatriz Lima",
        email="bia@example.com",
        document="111.444.777-35",
        phone="(21) 99999-0000",
    )
    client.simulate_post(f"/api/admin/sandbox/checkouts/{ana['id']}/pay", headers=admin)
    return ana, bia


@pytest.mark.smoke
def test_sales_are_searched_by_buyer_and_filtered_with_the_totals_of_the_filter(
    client, deps, actors
):
    admin = actors.admin()
    ana, bia = _two_buyers(client, deps, admin)
    every = client.simulate_get(SALES, headers=admin).json
    assert every["totals"]["count"] == 2 and every["totals"]["paid_count"] == 1
    assert every["totals"]["paid_amount"] == every["data"][1]["total_amount"]
    assert every["data"][0]["plan_name"] == "Mensal"
    for q in ("111.444.777-35", "11144477735", "99999-0000", "BEATRIZ", "bia@exa"):
        found = client.simulate_get(SALES, headers=admin, params={"q": q}).json
        assert [c["id"] for c in found["data"]] == [bia["id"]], q
        assert found["data"][0]["customer_name"] == "Beatriz Lima"
    paid = client.simulate_get(SALES, headers=admin, params={"status": "paid"}).json
    assert [c["id"] for c in paid["data"]] == [ana["id"]]
    today = client.simulate_get(
        SALES, headers=admin, params={"from": "2026-01-01", "to": "2026-01-01"}
    ).json
    assert today["totals"]["count"] == 2  # 12:00 UTC is 09:00 in São Paulo
    none = client.simulate_get(SALES, headers=admin, params={"from": "2026-01-02"}).json
    assert none["total"] == 0 and none["totals"]["amount"] == 0
    assert_error(
        client.simulate_get(SALES, headers=admin, params={"from": "ontem"}), 400, "invalid", "from"
    )
    assert_error(client.simulate_get(SALES, headers=admin, params={"q": "12"}), 400, "invalid", "q")


@pytest.mark.smoke
def test_the_csv_opens_in_excel_pt_br(client, deps, actors, clock):
    admin = actors.admin()
    clock.current = datetime(2026, 1, 1, 2, 30)  # 23:30 of Dec 31 in São Paulo
    _two_buyers(client, deps, admin)
    result = client.simulate_get(SALES + ".csv", headers=admin, params={"status": "paid"})
    assert result.status_code == 200
    assert result.headers["content-type"].startswith("text/csv")
    assert "attachment" in result.headers["content-disposition"]
    assert result.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["ID", "Criado em", "Atualizado em"] and len(rows) == 2
    row = dict(zip(rows[0], rows[1]))
    assert row["Valor (R$)"] == "29,90" and row["Status"] == "Pago"
    assert row["Criado em"] == "31/12/2025 23:30:00" and row["Nome"] == "Ana Souza"


@pytest.mark.smoke
def test_customers_are_found_by_cpf_with_or_without_punctuation_and_shown(client, deps, actors):
    admin = actors.admin()
    actors.user("carla@example.com")
    ana, bia = _two_buyers(client, deps, admin)
    for q in ("111.444.777-35", "11144477735"):
        found = client.simulate_get("/api/admin/customers", headers=admin, params={"q": q}).json
        assert [c["email"] for c in found["data"]] == ["bia@example.com"], q
        assert found["data"][0]["document"] == "11144477735"
    carla = client.simulate_get("/api/admin/customers", headers=admin, params={"q": "carla"}).json[
        "data"
    ]
    assert [c["email"] for c in carla] == ["carla@example.com"]
    assert carla[0]["user_id"] and carla[0]["checkouts"] == 0
    everyone = client.simulate_get("/api/admin/customers", headers=admin).json
    assert {c["email"] for c in everyone["data"]} >= {
        "ana@example.com",
        "bia@example.com",
        "carla@example.com",
    }
    ana_id = client.simulate_get(f"{SALES}/{ana['id']}", headers=admin).json["user_id"]
    page = client.simulate_get(f"/api/admin/customers/{ana_id}", headers=admin).json
    assert page["customer"]["name"] == "Ana Souza"
    assert [c["id"] for c in page["checkouts"]] == [ana["id"]]
    assert page["subscriptions"][0]["plan_name"] == "Mensal"
    guest = client.simulate_get(f"{SALES}/{bia['id']}/customer", headers=admin).json
    assert [c["id"] for c in guest["checkouts"]] == [bia["id"]]
    assert guest["customer"]["user_id"] is None
    assert guest["customer"]["email"] == "bia@example.com"
    assert_error(client.simulate_get(f"{SALES}/999999/customer", headers=admin), 404, "not_found")
    sent = client.simulate_post(f"/api/admin/users/{ana_id}/password-link", headers=admin)
    assert sent.status_code == 202
    with deps.uow() as uow:
        mails = uow.outbox.find({"recipient": "ana@example.com"}).items
    assert any(m.kind == t.PASSWORD_RESET for m in mails)


def test_sales_and_customers_take_a_constant_number_of_queries(pony_backend, config, clock):
    deps = deps_for(pony_backend, config, clock)
    client = TestClient(create_app(deps))
    admin = Actors(deps).admin()
    plan, _ = add_catalogue(deps)

    def counts() -> tuple[int, int]:
        pony_backend.reset_query_count()
        client.simulate_get(SALES, headers=admin, params={"q": "souza"})
        sales = pony_backend.query_count()
        pony_backend.reset_query_count()
        client.simulate_get("/api/admin/customers", headers=admin, params={"q": "9876"})
        return sales, pony_backend.query_count()

    _buy(client, plan.id)
    few = counts()
    for n in range(6):
        _buy(client, plan.id, email=f"ana{n}@example.com")
    assert counts() == few


def test_a_plan_with_sales_is_not_deleted_and_says_why_in_portuguese(client, deps, actors):
    admin = actors.admin()
    plan, _ = add_catalogue(deps)
    _buy(client, plan.id)
    refused = client.simulate_delete(f"/api/admin/plans/{plan.id}", headers=admin)
    assert_error(refused, 409, "plan_has_sales")
    assert "Mensal tem 1 venda(s)" in refused.json["error"]["message"]
    assert "Desative" in refused.json["error"]["message"]
    with deps.uow() as uow:
        unsold = uow.plans.add(attrs.evolve(plan, id=None, name="Sem vendas"))
        uow.commit()
    assert client.simulate_delete(f"/api/admin/plans/{unsold.id}", headers=admin).status_code == 204


def test_the_dashboard_counts_local_days_on_every_database(pony_backend, config, clock):
    """A payment at 01:30 UTC on Jan 2 is Jan 1 in São Paulo (UTC-3)."""
    clock.current = datetime(2026, 1, 2, 1, 30)
    for zone, day in (("America/Sao_Paulo", "2026-01-01"), ("UTC", "2026-01-02")):
        deps = deps_for(pony_backend, attrs.evolve(config, timezone=zone), clock)
        client = TestClient(create_app(deps))
        admin = Actors(deps).admin(f"admin-{zone.replace('/', '-').lower()}@example.com")
        if zone != "UTC":
            plan, _ = add_catalogue(deps)
            paid = _buy(client, plan.id)
            client.simulate_post(f"/api/admin/sandbox/checkouts/{paid['id']}/pay", headers=admin)
        board = client.simulate_get("/api/admin/dashboard", headers=admin).json
        assert board["until"] == day
        assert {d["date"]: d["paid_checkouts"] for d in board["series"]}[day] == 1, zone


@pytest.mark.smoke
def test_an_admin_change_keeps_what_it_replaced_and_who_made_it(client, deps):
    from domain.accounts.auth import create_admin, issue_token
    from domain.accounts.commands import CreateAdmin

    user, _ = create_admin(deps.auth, CreateAdmin("ana.admin@example.com", "admin-password"))
    with deps.uow() as uow:
        uow.users.update(attrs.evolve(uow.users.get(user.id), name="Ana"))
        uow.commit()
    admin = Actors.headers(issue_token(deps.auth, user).token)
    plan, _ = add_catalogue(deps)
    client.simulate_patch(f"/api/admin/plans/{plan.id}", headers=admin, json={"price": 3490})
    [entry] = client.simulate_get(
        "/api/admin/audit-log", headers=admin, params={"resource": "plans"}
    ).json["data"]
    assert entry["changes"] == {"price": 3490}
    assert entry["before"] == {"name": "Mensal", "price": 2990}
    assert entry["actor_name"] == "Ana"
