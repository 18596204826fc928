"""The Python API and the command line give the same rows for every named query, by default (one reasoning default)."""

from __future__ import annotations

import json
import shlex

import pytest
from click.testing import CliRunner
from rdflib import BNode, URIRef

from chiplet_kg import CKGD, ChipletKG
from chiplet_kg.cli.main import cli
from chiplet_kg.defaults import REASON_DEFAULT
from chiplet_kg.library import load_library

LIBRARY = load_library()


def _example(name: str) -> tuple[list[str], dict[str, str], str]:
    """The query's own example call (``#+ example:``): its CLI arguments, its ``-p`` parameters and its language."""
    words = shlex.split(LIBRARY[name].example)
    assert words[:3] == ["chiplet-kg", "query", name], f"{name}: the example should call the query itself"
    args, params, lang = words[1:], {}, "en"
    for flag, value in zip(words, words[1:]):
        if flag in ("-p", "--param"):
            key, _, val = value.partition("=")
            params[key] = val
        elif flag == "--lang":
            lang = value
    return args, params, lang


def _cell(term) -> tuple:
    """A value as the W3C SPARQL JSON results give it: (type, value, language)."""
    if isinstance(term, URIRef):
        return ("uri", str(term), None)
    if isinstance(term, BNode):
        return ("bnode", None, None)  # blank node names are local to one result
    return ("literal", _parts(str(term)), getattr(term, "language", None))


def _json_cell(cell: dict) -> tuple:
    if cell["type"] == "bnode":
        return ("bnode", None, None)
    if cell["type"] == "uri":
        return ("uri", cell["value"], None)
    return ("literal", _parts(cell["value"]), cell.get("xml:lang"))


def _parts(text: str) -> str:
    # GROUP_CONCAT's order is not fixed by SPARQL (two stores may list equal candidates differently).
    return "; ".join(sorted(text.split("; ")))


@pytest.fixture(scope="module")
def api() -> ChipletKG:
    return ChipletKG()  # the default, as a notebook would write it


def test_the_default_is_to_reason(api):
    """Regression: ChipletKG() did not reason while the command line did (unaddressed-dependencies: 2 rows vs 4)."""
    assert REASON_DEFAULT is True and api.reasoned and len(api.inferred) > 0


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_every_named_query_gives_the_same_rows_both_ways(api, name):
    """``ChipletKG().query(NAME, **params)`` and ``chiplet-kg query NAME -p … --format json`` agree, row for row."""
    args, params, lang = _example(name)
    result = CliRunner().invoke(cli, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    rows = api.query(name, lang=lang, **params)
    assert doc["head"]["vars"] == rows.variables
    cli_rows = sorted(tuple(sorted((k, _json_cell(v)) for k, v in b.items())) for b in doc["results"]["bindings"])
    api_rows = sorted(tuple(sorted((k, _cell(v)) for k, v in row.items())) for row in rows.rows)
    assert cli_rows == api_rows
    assert len(api_rows) == len(rows)


def test_unaddressed_dependencies_agree_with_and_without_reasoning(api):
    """The project's central question has one answer: the API and the command line, reasoned or not (the named
    query follows the ontology's axioms as property paths where no reasoner ran), name the same dependencies."""
    def items(bindings):
        return sorted(b["item"]["value"] for b in bindings)

    rows = api.query("unaddressed-dependencies")
    plain = ChipletKG(reason=False).query("unaddressed-dependencies")
    assert sorted(str(r["item"]) for r in rows) == sorted(str(r["item"]) for r in plain) == [str(CKGD.AIB)]
    out = CliRunner().invoke(cli, ["query", "unaddressed-dependencies", "--format", "json"], catch_exceptions=False)
    assert items(json.loads(out.stdout)["results"]["bindings"]) == [str(CKGD.AIB)]
    out = CliRunner().invoke(cli, ["query", "unaddressed-dependencies", "--format", "json", "--no-reason"],
                             catch_exceptions=False)
    assert items(json.loads(out.stdout)["results"]["bindings"]) == [str(CKGD.AIB)]
