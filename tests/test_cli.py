"""The command line, through its real entry point: exit codes, messages, atomic outputs."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from .conftest import DATA


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "chiplet_kg.cli.main", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600, env={**os.environ, "PYTHONWARNINGS": "ignore"})


def test_console_script_is_installed():
    """`chiplet-kg --version` runs from the PATH."""
    out = subprocess.run(["chiplet-kg", "--version"], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "0.1.0" in out.stdout


def test_validate_passes_on_shipped_data():
    """`chiplet-kg validate` exits 0 and says PASSED."""
    out = run("validate")
    assert out.returncode == 0, out.stderr + out.stdout
    assert "PASSED" in out.stdout and "consistent" in out.stdout


@pytest.mark.parametrize("fixture, rule", [
    ("no-zh-label.ttl", "ckgsh:EntityShape"),
    ("relation-without-evidence.ttl", "ckgsh:ArgumentEvidenceShape"),
    ("owl-disjoint-types.ttl", "disjoint classes"),
])
def test_validate_fails_on_bad_data_with_report(fixture, rule):
    """`validate --data BAD` exits 1 with a report that names the rule; no traceback."""
    out = run("validate", "--data", str(DATA / "bad" / fixture))
    assert out.returncode == 1
    assert "FAILED" in out.stdout and rule in out.stdout
    assert "Traceback" not in out.stderr + out.stdout


def test_validate_json_report():
    """`validate --format json` prints a machine-readable report."""
    out = run("validate", "--no-owl", "--format", "json", "--data", str(DATA / "bad" / "country-bad-iso.ttl"))
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert report["conforms"] is False
    assert {p["rule"] for p in report["problems"]} == {"ckgsh:CountryShape"}


@pytest.mark.parametrize("fixture", ["unterminated-literal.ttl", "broken-literal.nt", "mismatched-tag.rdf"])
def test_malformed_data_is_a_one_line_error(fixture):
    """Malformed --data: exit 3, the file and a line on stderr, nothing else."""
    out = run("validate", "--data", str(DATA / "malformed" / fixture))
    assert out.returncode == 3
    assert out.stderr.startswith("error: ") and fixture in out.stderr and "line" in out.stderr
    assert "Traceback" not in out.stderr and out.stderr.count("\n") == 1


def test_missing_file_is_a_one_line_error():
    """A missing --data file: exit 3, one line."""
    out = run("build", "--data", "no/such/file.ttl")
    assert out.returncode == 3 and "no such file" in out.stderr and out.stderr.count("\n") == 1


def test_unknown_command_is_a_usage_error():
    """An unknown command exits 2."""
    out = run("frobnicate")
    assert out.returncode == 2 and "No such command" in out.stderr


def test_build_writes_outputs(tmp_path):
    """`build --out DIR` writes the merged graph, the OWL files, the report and the counts."""
    out = run("build", "--out", str(tmp_path / "b"))
    assert out.returncode == 0, out.stderr
    names = {p.name for p in (tmp_path / "b").iterdir()}
    assert {"graph.ttl", "graph.nt", "graph.owl", "ontology.rdf", "validation-report.txt",
            "class-counts.csv", "model.mmd", "build-info.json"} <= names
    assert not [n for n in names if n.endswith(".tmp")]
    info = json.loads((tmp_path / "b" / "build-info.json").read_text())
    assert info["entities"] >= 100 and info["triples"] > 2000
    from rdflib import Graph

    assert len(Graph().parse(tmp_path / "b" / "graph.ttl")) == info["triples"]
    assert len(Graph().parse(tmp_path / "b" / "graph.nt")) == info["triples"]


def test_build_outputs_load_in_owlready2(tmp_path):
    """The RDF/XML ontology and graph written by build load in owlready2."""
    import owlready2

    assert run("build", "--no-owl", "--out", str(tmp_path)).returncode == 0
    world = owlready2.World()
    onto = world.get_ontology((tmp_path / "ontology.rdf").as_uri()).load()
    assert len(list(onto.classes())) >= 40 and len(list(onto.object_properties())) >= 30
    world2 = owlready2.World()
    graph = world2.get_ontology((tmp_path / "graph.owl").as_uri()).load()
    assert len(list(graph.individuals())) >= 100


def test_failed_build_leaves_previous_outputs_intact(tmp_path):
    """A build that fails validation writes nothing: the previous outputs are unchanged."""
    def snapshot():
        return {str(p.relative_to(tmp_path)): p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}

    assert run("build", "--no-owl", "--out", str(tmp_path)).returncode == 0
    before = snapshot()
    assert len(before) >= 9
    out = run("build", "--no-owl", "--out", str(tmp_path), "--data", str(DATA / "bad" / "no-source.ttl"))
    assert out.returncode == 1 and "nothing was written" in out.stderr
    assert snapshot() == before


def test_unwritable_output_is_an_output_error(tmp_path):
    """An --out that is a file, not a folder: exit 4 with one line."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = run("build", "--no-owl", "--out", str(blocker))
    assert out.returncode == 4 and out.stderr.startswith("error: cannot write")


# ------------------------------------------------------------------ the commands' shape (no graph is loaded)

def _commands():
    import click

    from chiplet_kg.cli.main import cli

    ctx = click.Context(cli)
    found = {}

    def walk(cmd, name):
        found[name] = cmd
        if isinstance(cmd, click.Group):
            for sub in cmd.list_commands(ctx):
                walk(cmd.get_command(ctx, sub), f"{name} {sub}".strip())

    walk(cli, "")
    return found


def test_every_command_help_ends_with_an_example():
    """Every command's docstring ends with an Example: block that calls chiplet-kg."""
    for name, cmd in _commands().items():
        lines = (cmd.help or "").strip().splitlines()
        assert "Example:" in (cmd.help or "") and lines[-1].strip().startswith("chiplet-kg"), name or "chiplet-kg"


def test_shared_options_are_one_object_each():
    """--timeout, --remove, --threshold, --graph-format, --data, --no-builtin, -o/--output: the same declaration
    (help and type) wherever they appear; --no-builtin and --no-reason on every command that reads the graph."""
    import click

    seen: dict[str, set] = {}
    for name, cmd in _commands().items():
        if isinstance(cmd, click.Group):
            continue
        opts = {o: p for p in cmd.params for o in p.opts}
        for flag in ("--remove", "--threshold", "--graph-format", "--data", "--no-builtin", "--no-reason"):
            if flag in opts:
                p = opts[flag]
                seen.setdefault(flag, set()).add((p.help, repr(p.type), p.multiple))
        if "--data" in opts:
            assert "--no-builtin" in opts, name
            if name not in ("validate", "import eto", "build"):  # these reason in their own way (or not at all)
                assert "--no-reason" in opts, name
        if "--output" in opts:
            assert "-o" in opts["--output"].opts, name
    assert all(len(declarations) == 1 for declarations in seen.values()), seen
    assert {"--remove", "--threshold", "--graph-format", "--no-builtin"} <= set(seen)


@pytest.mark.parametrize("args, what", [
    (["query", "unaddressed-dependencies"], "query unaddressed-dependencies: no result, because"),
    (["viz", "-o", "{tmp}/v.html"], "viz --view overview: no result, because"),
])
def test_empty_output_says_why_on_stderr(tmp_path, args, what):
    """`--no-builtin` with data but no ontology: the (empty) output is still written, and stderr names the cause."""
    mine = tmp_path / "mine.ttl"
    mine.write_text("@prefix ex: <https://example.org/> .\nex:a ex:dependsOn ex:b .\n", encoding="utf-8")
    out = run(*[a.format(tmp=tmp_path) for a in args], "--no-builtin", "--data", str(mine))
    assert out.returncode == 0, out.stderr
    assert what in out.stderr and "--no-builtin" in out.stderr and "ontology" in out.stderr
    if args[0] == "viz":
        assert (tmp_path / "v.html").exists()
    else:
        assert out.stdout.startswith("item")  # the header of the empty table


def test_nonempty_output_says_nothing_on_stderr():
    """A query that finds rows prints no diagnosis."""
    out = run("query", "unaddressed-dependencies")
    assert out.returncode == 0 and "no result" not in out.stderr


def test_build_again_with_nothing_changed_writes_nothing(tmp_path):
    """A second build of the same inputs, code and options finds its folder up to date and writes nothing; a file
    removed or changed in the folder, other options or another input builds again."""
    out = tmp_path / "b"
    assert run("build", "-o", str(out)).returncode == 0
    stamp = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    again = run("build", "-o", str(out))
    assert again.returncode == 0 and "is up to date" in again.stdout, again.stdout + again.stderr
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamp
    (out / "report.html").unlink()
    rebuilt = run("build", "-o", str(out))
    assert "is up to date" not in rebuilt.stdout and (out / "report.html").exists()
    with (out / "graph.ttl").open("a", encoding="utf-8") as f:
        f.write("# edited by hand\n")
    assert "is up to date" not in run("build", "-o", str(out)).stdout
    assert "edited by hand" not in (out / "graph.ttl").read_text(encoding="utf-8")
    assert "is up to date" not in run("build", "-o", str(out), "--no-reason").stdout
    assert not (out / "inferred.ttl").exists()
    mine = tmp_path / "mine.ttl"
    mine.write_bytes((DATA / "good" / "own-supplier.ttl").read_bytes())
    assert "is up to date" not in run("build", "-o", str(out), "--data", str(mine)).stdout
    assert "is up to date" in run("build", "-o", str(out), "--data", str(mine)).stdout
    with mine.open("a", encoding="utf-8") as f:
        f.write("\n# one more byte\n")
    assert "is up to date" not in run("build", "-o", str(out), "--data", str(mine)).stdout
