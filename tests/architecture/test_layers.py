"""The import contracts of pyproject.toml ([tool.importlinter]): entry points over the wiring over
the domains over app.core, and no package or module importing round a cycle.

`lint-imports` (in `make lint`) prints which imports break a contract; these tests hold the
same contracts and show that each one notices what it forbids.
"""

import copy
from pathlib import Path

import grimp
import pytest
from importlinter import api
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.layers import LayersContract
from importlinter.domain.contract import Contract

PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"
CONTRACT_TYPES: dict[str, type[Contract]] = {
    "layers": LayersContract,
    "acyclic_siblings": AcyclicSiblingsContract,
}


def _contracts() -> dict[str, Contract]:
    config = api.read_configuration(str(PYPROJECT))
    return {
        options["type"]: CONTRACT_TYPES[options["type"]](
            name=options["name"],
            session_options=config["session_options"],
            contract_options=options,
        )
        for options in config["contracts_options"]
    }


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("app")


def _kept(contract_type: str, graph: grimp.ImportGraph) -> bool:
    # A check drops the contract's ignored imports from the graph it is given.
    return bool(_contracts()[contract_type].check(copy.deepcopy(graph), verbose=False).kept)


def test_both_contracts_are_declared() -> None:
    assert set(_contracts()) == set(CONTRACT_TYPES)


@pytest.mark.parametrize("contract_type", sorted(CONTRACT_TYPES))
def test_the_code_keeps_the_contract(contract_type: str, graph: grimp.ImportGraph) -> None:
    assert _kept(contract_type, graph), f"run `lint-imports` to see what breaks {contract_type}"


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("app.core.config", "app.cases.models"),  # core reaching into a domain
        ("app.reports.service", "app.handlers"),  # a domain reaching into the wiring
        ("app.handlers", "app.main"),  # the wiring reaching into an entry point
    ],
)
def test_an_import_up_a_layer_breaks_the_layers(
    importer: str, imported: str, graph: grimp.ImportGraph
) -> None:
    upward = copy.deepcopy(graph)
    upward.add_import(importer=importer, imported=imported)
    assert not _kept("layers", upward)


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("app.grids.service", "app.webhooks.service"),  # webhooks import grids
        ("app.reports.reading", "app.cases.service"),  # cases import reports
        ("app.points.models", "app.points.service"),  # within a package
    ],
)
def test_an_import_round_a_cycle_breaks_the_acyclic_contract(
    importer: str, imported: str, graph: grimp.ImportGraph
) -> None:
    cyclic = copy.deepcopy(graph)
    cyclic.add_import(importer=importer, imported=imported)
    assert not _kept("acyclic_siblings", cyclic)
