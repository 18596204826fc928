"""Lazy imports: a command loads only the libraries it uses (owlready2, pyvis, networkx, pyshacl where needed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

HEAVY = ("owlready2", "pyvis", "networkx", "pyshacl", "SPARQLWrapper", "pyparsing")

# Runs the real entry point in-process and reports which of the heavy packages it imported.
PROBE = r"""
import json, sys
from chiplet_kg.cli.main import main
try:
    main(sys.argv[1:])
except SystemExit as stop:
    code = stop.code
else:
    code = 0
top = sorted({m.split(".")[0] for m in sys.modules})
sys.stderr.write("\nMODULES " + json.dumps({"code": code, "modules": top}) + "\n")
"""


def _imported(args, env) -> set[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=600)
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("MODULES ")]
    assert line, done.stderr
    report = json.loads(line[-1][len("MODULES "):])
    assert report["code"] in (0, None), done.stderr
    return set(report["modules"])


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A cache folder holding what `build` leaves (reasoned), so that `query` needs no reasoner."""
    from rdflib.namespace import RDF

    from chiplet_kg import ChipletKG
    from chiplet_kg.cache import write_cached
    from chiplet_kg.namespace import CKG, CKGD

    folder = tmp_path_factory.mktemp("imports-cache")
    kg = ChipletKG(reason=False)
    kg.set_inferred([(CKGD.JCET, RDF.type, CKG.Entity)])
    assert write_cached(kg.store.ox, kg.files, reasoned=True, folder=folder)
    return {**os.environ, "CHIPLET_KG_CACHE": str(folder), "PYTHONWARNINGS": "ignore"}


@pytest.mark.parametrize("args", [["queries"], ["--help"], ["query", "--help"]])
def test_listing_and_help_load_no_graph_library(env, args):
    """Listing the queries and help load none of the heavy libraries, nor the SPARQL store."""
    loaded = _imported(args, env)
    assert not loaded & {*HEAVY, "pyoxigraph"}, loaded & {*HEAVY, "pyoxigraph"}


@pytest.mark.parametrize("args", [
    ["query", "market-structure"],
    ["query", "unaddressed-dependencies", "--format", "json"],
    ["query", "policy-trace", "-p", "policy=设立专项基金", "--lang", "zh"],
    ["sparql", "SELECT ?s WHERE { ?s a ckg:Firm } LIMIT 3"],
])
def test_query_after_a_build_loads_no_reasoner_network_views_or_shacl(env, args):
    """`query` and `sparql` on a built graph: pyoxigraph only — no owlready2, pyvis, networkx, pyshacl, parser."""
    loaded = _imported(args, env)
    assert "pyoxigraph" in loaded
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_query_without_reasoning_needs_no_cache_and_no_reasoner(tmp_path):
    """`query --no-reason` with an empty cache folder parses the files; still no owlready2 or the others."""
    env = {**os.environ, "CHIPLET_KG_CACHE": str(tmp_path / "empty"), "PYTHONWARNINGS": "ignore"}
    loaded = _imported(["query", "market-structure", "--no-reason"], env)
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_analyze_loads_networkx_but_not_views_reasoner_or_shacl(env):
    """`analyze` needs networkx, not pyvis, owlready2 or pyshacl."""
    loaded = _imported(["analyze", "chokepoints", "--format", "csv"], env)
    assert "networkx" in loaded
    assert not loaded & {"pyvis", "owlready2", "pyshacl"}, loaded & {"pyvis", "owlready2", "pyshacl"}


def test_the_probe_sees_what_a_command_imports(env, tmp_path):
    """The probe is not blind: `validate` does load pyshacl."""
    loaded = _imported(["validate", "--no-owl"], env)
    assert "pyshacl" in loaded
