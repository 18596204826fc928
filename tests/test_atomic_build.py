"""`build` under kill -9 and two builds at once: the outputs in the folder are always one complete build's."""

from __future__ import annotations

import csv
import hashlib
import html.parser
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from chiplet_kg.kg import project_root
from chiplet_kg.lock import LOCK_NAME
from chiplet_kg.pipeline import MANIFEST

from .conftest import DATA

ROOT = project_root()
#: A small valid --data file: a build with it differs from one without (new triples, counts, views).
EXTRA = DATA / "good" / "own-supplier.ttl"
TRIALS = 20
RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
               ".trig": ox.RdfFormat.TRIG, ".owl": ox.RdfFormat.RDF_XML, ".rdf": ox.RdfFormat.RDF_XML,
               ".jsonld": ox.RdfFormat.JSON_LD}
_BNODE_TEXT = re.compile(rb"_:[A-Za-z0-9_.-]+|\b[Nn]?[0-9a-f]{32}\b")


#: Instance data of the small project home the trials build: the real ontology, shapes and check queries, and
#: the graph's source records (they validate on their own). A build of it writes every output in about 5 s instead
#: of 30 s (SHACL over the full graph), so 20 kills fit in the test budget; the writing is the same code.
HOME_DATA = ("sources.ttl", "public_sources.ttl")


def _home(base: Path) -> Path:
    """A project home (``$CHIPLET_KG_HOME``) with the checkout's ontology and queries and the HOME_DATA files."""
    home = base / "home"
    (home / "graph_data").mkdir(parents=True)
    for name in ("ontology", "queries"):
        (home / name).symlink_to(ROOT / name, target_is_directory=True)
    for name in HOME_DATA:
        (home / "graph_data" / name).write_bytes((ROOT / "graph_data" / name).read_bytes())
    return home


def _env(cache: Path, home: Path | None = None) -> dict:
    # PYTHONPATH: the checkout, whatever the editable install points at; the reasoner cache in the test's folder.
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "CHIPLET_KG_CACHE": str(cache), "PYTHONWARNINGS": "ignore"}
    if home is not None:
        env["CHIPLET_KG_HOME"] = str(home)
    return env


def _build_cmd(out: Path, *data: Path) -> list[str]:
    cmd = [sys.executable, "-m", "chiplet_kg.cli.main", "build", "--out", str(out), "--no-owl"]
    for path in data:
        cmd += ["--data", str(path)]
    return cmd


def _run_build(out: Path, env: dict, *data: Path) -> float:
    started = time.monotonic()
    proc = subprocess.run(_build_cmd(out, *data), capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return time.monotonic() - started


def _files(folder: Path) -> dict[str, Path]:
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file()}


def _parse_check(name: str, data: bytes) -> None:
    """Raise if ``data`` is not a complete, well-formed file of its kind."""
    suffix = Path(name).suffix
    if suffix in RDF_FORMATS:
        list(ox.parse(data, format=RDF_FORMATS[suffix]))
    elif suffix in (".json", ".cyjs"):
        json.loads(data)
    elif suffix == ".html":
        text = data.decode("utf-8")
        html.parser.HTMLParser().feed(text)
        assert text.rstrip().endswith("</html>"), f"{name} is cut short"
    elif suffix == ".csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        assert rows and all(len(r) == len(rows[0]) for r in rows), f"{name}: ragged rows"
    elif suffix == ".graphml" or suffix == ".gexf":
        import xml.dom.minidom

        xml.dom.minidom.parseString(data)
    else:
        data.decode("utf-8")
        assert data.strip(), f"{name} is empty"


def _fingerprint(name: str, data: bytes) -> str:
    """What a file says, with blank-node labels (random per run) masked: equal for two builds of the same inputs."""
    suffix = Path(name).suffix
    if name.startswith("docs/"):
        return "docs"  # pyLODE's pages differ from run to run (element ids); checked for completeness only
    if suffix in RDF_FORMATS:
        def term(t):
            return "_" if isinstance(t, ox.BlankNode) else str(t)
        quads = sorted(tuple(term(x) for x in (q.subject, q.predicate, q.object, q.graph_name))
                       for q in ox.parse(data, format=RDF_FORMATS[suffix]))
        return hashlib.sha256(repr(quads).encode()).hexdigest()
    lines = sorted(_BNODE_TEXT.sub(b"_", data).splitlines())
    return hashlib.sha256(b"\n".join(lines)).hexdigest()


def _snapshot(folder: Path) -> dict[str, str]:
    # The lock and the build's manifest (which inputs built the folder, the outputs' exact digests) are bookkeeping.
    return {name: _fingerprint(name, p.read_bytes()) for name, p in _files(folder).items()
            if p.name not in (LOCK_NAME, MANIFEST)}


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """Two complete builds: the small home ("old") and the small home plus EXTRA ("new"), with timings."""
    base = tmp_path_factory.mktemp("atomic")
    env = _env(base / "cache", _home(base))
    old, new = base / "old", base / "new"
    _run_build(old, env)
    _run_build(new, env, EXTRA)
    seconds = _run_build(base / "warm", env, EXTRA)          # warm: the time a trial's build takes
    assert _snapshot(base / "warm") == _snapshot(new), "two builds of the same inputs differ: the test cannot tell"
    return {"base": base, "env": env, "old": _snapshot(old), "new": _snapshot(new), "old_dir": old,
            "seconds": seconds}


def _check_folder(folder: Path, old: dict, new: dict) -> dict[str, str]:
    """Every output parses, and is the old or the new version; no temporary file took a final name."""
    seen = {}
    for name, path in _files(folder).items():
        if path.name == LOCK_NAME:
            continue
        if path.name.startswith(".") and path.name.endswith(".tmp"):
            continue  # a killed writer's temporary file: hidden, never under a final name
        data = path.read_bytes()
        if name == MANIFEST:
            # It says the folder is one finished build, so it may only stand beside the very files it lists.
            for listed, digest in json.loads(data)["outputs"].items():
                assert hashlib.sha256((folder / listed).read_bytes()).hexdigest() == digest, \
                    f"the manifest vouches for {listed}, which another build wrote"
            continue
        _parse_check(name, data)
        assert name in old or name in new, f"unexpected file {name}"
        fp = _fingerprint(name, data)
        if fp == old.get(name) == new.get(name):
            continue  # the same in both builds (the ontology's files, say): intact is all that can be told
        if fp == old.get(name):
            seen[name] = "old"
        elif fp == new.get(name):
            seen[name] = "new"
        else:
            raise AssertionError(f"{name} is neither the old nor the new version")
    missing = set(old) - set(_files(folder))
    assert not missing, f"outputs lost: {sorted(missing)}"
    return seen


def test_kill_9_at_random_moments_leaves_outputs_intact(versions, tmp_path):
    """20 builds killed with SIGKILL: half at a random moment of the build, half while it writes its outputs.

    After each kill every earlier output is still there, parses, and is either the previous version or the
    new one, never a partial file; a complete build afterwards leaves no temporary files."""
    import shutil

    out = tmp_path / "out"
    shutil.copytree(versions["old_dir"], out)
    old, new, seconds = versions["old"], versions["new"], versions["seconds"]
    outcomes = []
    for trial in range(TRIALS):
        rng = random.Random(10_000 + trial)
        graph_ttl = out / "graph.ttl"
        before = graph_ttl.stat().st_ino
        proc = subprocess.Popen(_build_cmd(out, EXTRA), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=versions["env"])
        if trial % 2 == 0:
            # a random moment of the whole build (most fall before writing starts)
            time.sleep(rng.uniform(0, seconds))
        else:
            # while writing: graph.ttl is replaced first; the rest follow within a few tens of milliseconds
            deadline = time.monotonic() + seconds * 3 + 30
            while proc.poll() is None and time.monotonic() < deadline:
                try:
                    if graph_ttl.stat().st_ino != before:
                        break
                except FileNotFoundError:
                    pass
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, 0.03))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        seen = _check_folder(out, old, new)
        outcomes.append(sorted(set(seen.values())))
        # next trial starts from the old version again, so every trial can show a mix
        if "new" in seen.values():
            shutil.rmtree(out)
            shutil.copytree(versions["old_dir"], out)
    # the kills did land in the middle of writing at least once (a mix of old and new files), so the test tests
    print(f"\nkill -9 outcomes over {TRIALS} trials (build takes {seconds:.1f} s):", outcomes)
    assert ["new", "old"] in outcomes or ["new"] in outcomes
    # a complete build into the folder the killed ones left: everything new, no temporary files remain
    _run_build(out, versions["env"], EXTRA)
    assert set(_check_folder(out, old, new).values()) == {"new"}
    assert [p for p in out.rglob("*.tmp")] == []


def test_two_builds_at_once_write_one_after_the_other(versions, tmp_path):
    """Two builds into one folder (and one reasoner cache) at the same time: the second waits for the first's
    lock and says so; afterwards the folder holds one complete build, every file from the same one."""
    out = tmp_path / "out"
    env = versions["env"]
    first = subprocess.Popen(_build_cmd(out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    second = subprocess.Popen(_build_cmd(out, EXTRA), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                              text=True)
    results = [p.communicate(timeout=600) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], results
    seen = _check_folder(out, versions["old"], versions["new"])
    assert len(set(seen.values())) == 1, f"a mix of two builds: {seen}"
    info = json.loads((out / "build-info.json").read_text(encoding="utf-8"))
    assert len(list(ox.parse((out / "graph.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES))) == info["triples"]
    assert [p for p in out.rglob("*.tmp")] == []
    # the reasoner cache they shared still serves a build, with the same outputs
    _run_build(tmp_path / "again", env, EXTRA)
    assert _snapshot(tmp_path / "again") == versions["new"]


def test_the_lock_makes_a_second_writer_wait(tmp_path):
    """While one process holds the build lock, another waits (and says so) and gets it once the first lets go."""
    from chiplet_kg.lock import build_lock

    code = ("import sys; from chiplet_kg.lock import build_lock\n"
            "with build_lock(sys.argv[1]):\n    print('got it', flush=True)\n")
    with build_lock(tmp_path, on_wait=None):
        proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=_env(tmp_path / "cache"))
        time.sleep(1.5)
        assert proc.poll() is None, "the second writer went ahead while the lock was held"
    out, err = proc.communicate(timeout=60)
    assert out == "got it\n" and "waiting for another chiplet-kg build" in err
    with pytest.raises(Exception, match="cannot write"):
        blocker = tmp_path / "file"
        blocker.write_text("x")
        with build_lock(blocker):
            pass


def test_lock_is_released_when_its_holder_is_killed(tmp_path):
    """kill -9 of the lock's holder frees the lock: a killed build never blocks the next one."""
    from chiplet_kg.lock import build_lock

    code = ("import sys, time; from chiplet_kg.lock import build_lock\n"
            "with build_lock(sys.argv[1]):\n    print('held', flush=True); time.sleep(600)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True,
                            env=_env(tmp_path / "cache"))
    assert proc.stdout.readline() == "held\n"
    proc.kill()
    proc.wait(30)
    waited = []
    with build_lock(tmp_path, on_wait=waited.append):
        pass
    assert waited == []
