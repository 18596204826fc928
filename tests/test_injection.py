"""Injection corpus: a user value never changes what a query or an analysis does, wherever it enters.

Every payload of the corpus (tests/test_query_engine.py's, plus a few) goes through ``query -p``, the endpoint's
``/queries/NAME?…``, ``viz --focus``, ``analyze paths --from/--to`` and ``analyze whatif --remove``. To make the
payloads reach the queries (not stop at "no entity named"), a --data file gives one entity per payload whose
label *is* the payload. The oracle for each call is a safe control computed another way:

- a text parameter: the named query run by pyoxigraph with the value substituted as an RDF literal (SEP-0007
  substitution, no query text built), which must give the same rows;
- an entity parameter: the entity the Python API resolves the payload to (``kg.find``); the command with the
  payload must give exactly the output of the command with that entity's IRI, or, when the API finds no single
  entity, a usage error that says so (exit 2, HTTP 400/404) and no output file.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, RDF, RDFS

from chiplet_kg import ChipletKG
from chiplet_kg.errors import UsageError
from chiplet_kg.kg import project_root
from chiplet_kg.library import load_library
from chiplet_kg.namespace import ASSERTED_GRAPH, CKG, CKGD, INFERRED_GRAPH, PREFIXES

from .servers import chiplet_kg_server
from .conftest import CommandLine
from .payloads import INJECTIONS

#: The command line through its real entry point (tests/conftest.py).
CLI = CommandLine()

ROOT = project_root()
EX = Namespace("https://example.org/injection/")
PAYLOADS = INJECTIONS + [
    "' OR '1'='1", "*", "?entity", "%00", "长电科技\" . ?s ?p ?o . #", "}} ; CLEAR ALL ; {{", "a\u0000b",
    "ckgd:JCET", "<https://w3id.org/chiplet-kg/data/JCET>", "https://w3id.org/chiplet-kg/data/Netherlands",
    "Netherlands\" } UNION { ?x ?y ?z } #", "\\\" ) } #",
]
IDS = [f"p{i}" for i in range(len(PAYLOADS))]
LIBRARY = load_library()


def _sentinels() -> Graph:
    """One firm per payload, labelled with the payload (en), based in the Netherlands, with a source."""
    g = Graph()
    g.add((EX.src, RDF.type, DCTERMS.BibliographicResource))
    g.add((EX.src, DCTERMS.title, Literal("injection test source", lang="en")))
    for i, payload in enumerate(PAYLOADS):
        node = EX[f"Inj{i}"]
        g.add((node, RDF.type, CKG.Firm))
        g.add((node, RDFS.label, Literal(payload, lang="en")))
        g.add((node, RDFS.label, Literal(f"注入{i}", lang="zh")))
        g.add((node, DCTERMS.source, EX.src))
        g.add((node, CKG.basedIn, CKGD.Netherlands))
    return g


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The sentinel file, the full graph with it (API), and a small world: the ontology and the sentinels only."""
    base = tmp_path_factory.mktemp("injection")
    path = base / "sentinels.nt"
    path.write_bytes(_sentinels().serialize(format="nt", encoding="utf-8"))
    # The small world for viz/analyze (each command reloads and projects its graph: about 1 s with the whole
    # graph, 0.2 s with this one). The Netherlands comes along so that paths exist.
    country = base / "country.ttl"
    country.write_text(
        "@prefix ckg: <https://w3id.org/chiplet-kg/ontology/> . @prefix ckgd: <https://w3id.org/chiplet-kg/data/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'ckgd:Netherlands a ckg:CountryOrRegion ; rdfs:label "Netherlands"@en , "荷兰"@zh .\n', encoding="utf-8")
    small = [*(str(p) for p in ChipletKG.ontology_files(ROOT)), str(country), str(path)]
    return {"base": base, "path": path, "kg": ChipletKG(data=[path], reason=False), "small_files": small,
            "small": ChipletKG(data=small, builtin=False, reason=False)}


def _resolve(kg, payload: str):
    try:
        return kg.find(payload)
    except UsageError:
        return None


def _cli(args: list[str]):
    result = CLI.invoke(args)
    assert "Traceback" not in result.output and result.exit_code in (0, 2), (args, result.exit_code, result.output)
    return result


def _refused(result, payload) -> None:
    assert result.exit_code == 2, result.output
    assert "no entity named" in result.stderr or "names several" in result.stderr, result.stderr


# ------------------------------------------------------------------ query -p

def _oracle_rows(kg, name: str, values: dict) -> set:
    """The named query run by pyoxigraph with the values substituted as RDF terms (no text is built)."""
    import pyoxigraph as ox

    import re

    # pyoxigraph substitutes projected variables only: add them to the SELECT clause (and drop them below)
    text = re.sub(r"\bSELECT(\s+DISTINCT)?", lambda m: m.group(0) + "".join(f" ?{k}" for k in values),
                  LIBRARY[name].text, count=1)
    subs = {ox.Variable(k): v for k, v in values.items()}
    answer = kg.store.ox.query(text, prefixes={k: str(v) for k, v in PREFIXES.items()}, substitutions=subs,
                               default_graph=[ox.NamedNode(str(ASSERTED_GRAPH)), ox.NamedNode(str(INFERRED_GRAPH))])
    names = [v.value for v in answer.variables if v.value not in values]
    return {tuple((n, s[n].value) for n in names if s[n] is not None) for s in answer}


def _json_rows(text: str, variables) -> set:
    doc = json.loads(text)
    return {tuple((v, b[v]["value"]) for v in variables if v in b) for b in doc["results"]["bindings"]}


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_query_text_parameter(payload, world):
    """``query entity-search -p text=PAYLOAD``: the rows of the substituted query, including the firm labelled
    with the payload itself."""
    import pyoxigraph as ox

    value = payload.replace("\x00", "")  # a command line cannot carry NUL
    result = _cli(["query", "entity-search", "-p", f"text={value}", "--data", str(world["path"]), "--no-reason",
                   "--format", "json"])
    assert result.exit_code == 0, result.output
    expected = _oracle_rows(world["kg"], "entity-search", {"text": ox.Literal(value)})
    variables = json.loads(result.stdout)["head"]["vars"]
    got = _json_rows(result.stdout, [v for v in variables if not v.endswith("Label")])
    assert got == expected
    if value == payload:
        assert str(EX[f"Inj{PAYLOADS.index(payload)}"]) in {v for row in got for _, v in row}


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_query_entity_and_number_parameters(payload, world):
    """``describe-entity -p entity=PAYLOAD`` answers exactly as for the entity the API resolves it to (its IRI),
    or refuses; ``market-structure -p year=PAYLOAD`` refuses anything but a number."""
    value = payload.replace("\x00", "")
    common = ["--data", str(world["path"]), "--no-reason", "--format", "json"]
    result = _cli(["query", "describe-entity", "-p", f"entity={value}", *common])
    iri = _resolve(world["kg"], value)
    if iri is None:
        _refused(result, value)
    else:
        control = _cli(["query", "describe-entity", "-p", f"entity={iri}", *common])
        assert result.exit_code == control.exit_code == 0
        assert result.stdout == control.stdout
        if value == payload and str(iri).startswith(str(EX)):
            rows = json.loads(result.stdout)["results"]["bindings"]
            assert rows and len(rows) <= 8  # its own few statements, nothing more
    number = _cli(["query", "market-structure", "-p", f"year={value}", *common])
    assert number.exit_code == 2 and "number" in number.stderr


# ------------------------------------------------------------------ the endpoint

@pytest.fixture(scope="module")
def endpoint(world):
    with chiplet_kg_server(world["base"], "--no-reason", "--timeout", "30", "--data", str(world["path"])) as (base, _):
        yield base


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"}),
                                    timeout=60) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_endpoint_named_queries(payload, world, endpoint):
    """``/queries/NAME?param=PAYLOAD`` (percent-encoded, NUL included): the same rows as the safe control, or a
    4xx that says why; the payload as a parameter name, a query name, ``lang`` or ``format`` is refused."""
    import pyoxigraph as ox

    q = urllib.parse.quote
    status, body = _get(f"{endpoint}/queries/entity-search?text={q(payload)}")
    assert status == 200, body
    expected = _oracle_rows(world["kg"], "entity-search", {"text": ox.Literal(payload)})
    variables = [v for v in json.loads(body)["head"]["vars"] if not v.endswith("Label")]
    assert _json_rows(body, variables) == expected

    status, body = _get(f"{endpoint}/queries/describe-entity?entity={q(payload)}")
    iri = _resolve(world["kg"], payload)
    if iri is None:
        assert status in (400, 404) and body.startswith("error: ") and "Traceback" not in body, (status, body)
    else:
        c_status, control = _get(f"{endpoint}/queries/describe-entity?entity={q(str(iri))}")
        assert status == c_status == 200 and json.loads(body) == json.loads(control)

    status, body = _get(f"{endpoint}/queries/market-structure?year={q(payload)}")
    assert status == 400 and "number" in body
    for url in (f"{endpoint}/queries/entity-search?text=EDA&{q(payload)}=1",
                f"{endpoint}/queries/{q(payload, safe='')}",
                f"{endpoint}/queries/entity-search?text=EDA&lang={q(payload)}",
                f"{endpoint}/queries/entity-search?text=EDA&format={q(payload)}"):
        status, body = _get(url)
        assert status in (400, 404) and body.startswith("error: "), (url, status, body)


# ------------------------------------------------------------------ viz --focus, analyze paths and whatif

@pytest.fixture(scope="module")
def small_projection(world):
    from chiplet_kg.network import project

    return project(world["small"])


def _small_args(world) -> list[str]:
    args = ["--no-builtin"]
    for path in world["small_files"]:
        args += ["--data", path]
    return args


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_viz_focus(payload, world, small_projection, tmp_path):
    """``viz --focus PAYLOAD``: the very page the API draws around the entity it resolves to, or a refusal and
    no file."""
    from chiplet_kg.views import render_view

    value = payload.replace("\x00", "")
    out = tmp_path / "focus.html"
    result = _cli(["viz", "--focus", value, "-o", str(out), *_small_args(world)])
    iri = _resolve(world["small"], value)
    if iri is None:
        _refused(result, value)
        assert not out.exists() and list(tmp_path.iterdir()) == []
        return
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render_view(small_projection, "focus", focus=str(iri))


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_analyze_paths_and_whatif(payload, world, small_projection):
    """``analyze paths --from PAYLOAD --to Netherlands`` and ``whatif --remove PAYLOAD``: the rows the API gives
    for the resolved entity, rendered the same way, or a refusal."""
    from chiplet_kg.analyze.paths import PATH_COLUMNS, paths
    from chiplet_kg.analyze.whatif import WHATIF_COLUMNS, whatif
    from chiplet_kg.render import render_rows

    value = payload.replace("\x00", "")
    small = _small_args(world)
    iri = _resolve(world["small"], value)
    netherlands = str(CKGD.Netherlands)
    route = _cli(["analyze", "paths", "--from", value, "--to", "Netherlands", "--format", "json", *small])
    cut = _cli(["analyze", "whatif", "--remove", value, "--format", "json", *small])
    if iri is None:
        _refused(route, value)
        _refused(cut, value)
        return
    assert cut.exit_code == 0, cut.output
    assert cut.stdout == render_rows(WHATIF_COLUMNS, whatif(small_projection, [str(iri)]), "json")
    if str(iri) == netherlands:
        assert route.exit_code == 2 and "same entity" in route.stderr, route.output
        return
    assert route.exit_code == 0, route.output
    assert route.stdout == render_rows(PATH_COLUMNS, paths(small_projection, str(iri), netherlands), "json")
    if value == payload and str(iri).startswith(str(EX)):
        assert json.loads(route.stdout)["results"]["bindings"], "the sentinel is one step from the Netherlands"
