"""Schemathesis drives every operation of the OpenAPI schema with generated input, as each role.

Bounded for CI: a few examples per operation, no deadline, no example database. A run must find
no 5xx and no answer the schema does not document (status code, content type, body shape).
"""

import os
from collections.abc import Iterator

import hypothesis
import pytest
import schemathesis
from alembic import command
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlmodel import Session

from app.accounts.models import Role
from app.core.migrations import alembic_config
from app.core.runtime import Runtime
from app.main import create_app
from tests.factories import seed_grids
from tests.fixtures.people import People

# Examples per operation and role; TANTOU_FUZZ_EXAMPLES raises it for a longer hunt by hand.
MAX_EXAMPLES = int(os.environ.get("TANTOU_FUZZ_EXAMPLES", "6"))
FUZZ_SETTINGS = hypothesis.settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
# An event stream never ends on its own, so generated calls cannot read it to the end.
ENDLESS_OPERATIONS = frozenset({"GET /api/v1/reports/stream", "GET /api/v1/me/inbox/stream"})
# Logging out revokes the token the rest of the run uses (tests/core covers logout itself).
SESSION_ENDING_OPERATIONS = frozenset({"POST /api/v1/auth/logout"})
# What "breaks the schema" means here. Not `positive_data_acceptance`: a schema-valid request may
# still name a community that does not exist, which is a documented 422.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    # The test schema is built from the models: mark it current so that /readyz answers 200.
    command.stamp(alembic_config(runtime.settings.resolved_database_url), "head")
    return create_app(runtime=runtime)


@pytest.fixture
def people(runtime: Runtime) -> Iterator[People]:
    with Session(runtime.writer, expire_on_commit=False) as session:
        seed_grids(session)
        yield People(session, runtime.settings)


def _failures_of(schema: OpenApiSchema, headers: dict[str, str]) -> list[str]:
    """Run every operation; the failures found, one line per operation."""
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if label in ENDLESS_OPERATIONS | SESSION_ENDING_OPERATIONS:
            continue

        @FUZZ_SETTINGS
        @hypothesis.given(
            case=st.one_of(
                operation.as_strategy(GenerationMode.POSITIVE),
                operation.as_strategy(GenerationMode.NEGATIVE),
            )
        )
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as error:
            failures.append(f"{label}: {str(error)[:1500]}")
    return failures


@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.UNIT, Role.RIDER])
def test_generated_input_gets_only_documented_answers(
    app: FastAPI, people: People, role: Role
) -> None:
    person = {
        Role.ADMIN: lambda: people.admin,
        Role.COORDINATOR: lambda: people.coordinator,
        Role.UNIT: lambda: people.unit,
        Role.RIDER: lambda: people.rider,
    }[role]()
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures = _failures_of(schema, person.headers)
    assert not failures, "\n\n".join(failures)
