"""Checking a real response against what /openapi.json documents for it."""

from __future__ import annotations

from openapi_schema_validator import OAS30Validator

from entrypoints.http.schemas import openapi_path


def assert_documented(client, template: str, method: str, result) -> None:
    """`result` (of `method` on a path of `template`) has a documented status, and its
    body matches the documented schema."""
    spec = client.simulate_get("/openapi.json").json
    path, _ = openapi_path(template)
    responses = spec["paths"][path][method.lower()]["responses"]
    assert str(result.status_code) in responses, f"{method} {template} {result.status_code}"
    content = responses[str(result.status_code)].get("content")
    if content is None:
        assert not result.text
        return
    OAS30Validator(content["application/json"]["schema"]).validate(result.json)
