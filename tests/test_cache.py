"""The build cache: a store that later commands reuse, keyed by the input files, ignored when it does not check out."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS

from chiplet_kg import ChipletKG, reason
from chiplet_kg.cache import CACHE_ENV, cache_dir, cache_key, cache_path, open_cached, write_cached, write_kg
from chiplet_kg.library import load_library
from chiplet_kg.namespace import CKG, CKGD

from .conftest import ROOT

# A stand-in for what HermiT infers (the cache stores whatever the inferred graph holds; no Java needed here).
INFERRED = [(CKGD.JCET, RDF.type, CKG.Entity), (CKGD.AdvancedPackagingEquipment, RDF.type, CKG.UnaddressedDependency)]

SMALL = """\
@prefix ex: <https://example.org/cache-test/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:a rdfs:label "alpha"@en ; ex:next ex:b .
ex:b rdfs:label "beta"@en ; ex:next [ rdfs:label "a blank node"@en ] .
"""


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    return folder


def _reasoned(**kw) -> ChipletKG:
    kg = ChipletKG(reason=False, **kw)
    kg.set_inferred(INFERRED)
    return kg


def _answers(kg: ChipletKG, **kw) -> dict:
    """Every named query's rows (strings, sorted), in both languages."""
    out = {}
    for name, q in load_library().items():
        if any(p.required for p in q.params):
            continue
        for lang in ("en", "zh"):
            rows = kg.query(name, lang=lang, **kw)
            out[name, lang] = sorted(sorted((k, str(v)) for k, v in row.items()) for row in rows)
    return out


def test_cache_hit_gives_identical_answers(cache):
    """A store read from the cache answers every named query exactly as the freshly loaded graph does."""
    fresh = _reasoned()
    assert write_cached(fresh.store.ox, fresh.files, reasoned=True) is not None
    cached = ChipletKG(reason=True, use_cache=True)
    assert cached.from_cache
    assert len(cached) == len(fresh) and len(cached.inferred) == len(INFERRED)
    assert _answers(cached) == _answers(fresh)
    assert _answers(cached, asserted_only=True) == _answers(fresh, asserted_only=True)
    assert cached.label(cached.find("长电科技"), "en") == "JCET Group"


def test_unreasoned_load_reuses_a_reasoned_entry_without_its_inferences(cache):
    """What `build` leaves (reasoned) serves commands that do not reason, minus the inferred triples."""
    fresh = _reasoned()
    write_cached(fresh.store.ox, fresh.files, reasoned=True)
    plain = ChipletKG(use_cache=True, reason=False)
    assert plain.from_cache and len(plain) == len(fresh) and len(plain.inferred) == 0
    assert not plain.sparql("ASK { ckgd:JCET a ckg:Entity }").boolean


def test_reasoned_load_does_not_take_an_unreasoned_entry(cache):
    """An entry written without reasoning never stands in for a reasoned graph."""
    plain = ChipletKG(builtin=False, data=(sorted((ROOT / "graph_data").glob("*.ttl"))[0],), reason=False)
    write_cached(plain.store.ox, plain.files, reasoned=False)
    assert open_cached(plain.files, reasoned=False) is not None
    assert open_cached(plain.files, reasoned=True) is None


def test_changing_one_input_byte_invalidates(cache, tmp_path):
    """One changed byte in one input file gives another key: the file is parsed again, with its new content."""
    data = tmp_path / "mine.ttl"
    data.write_text(SMALL, encoding="utf-8")
    kg = ChipletKG(builtin=False, data=(data,), reason=False)
    write_cached(kg.store.ox, kg.files, reasoned=False)
    assert ChipletKG(builtin=False, data=(data,), use_cache=True, reason=False).from_cache
    data.write_text(SMALL.replace('"alpha"', '"alphA"'), encoding="utf-8")
    again = ChipletKG(builtin=False, data=(data,), use_cache=True, reason=False)
    assert not again.from_cache
    assert again.label(URIRef("https://example.org/cache-test/a")) == "alphA"


def test_key_covers_file_list_version_and_reasoning(tmp_path, monkeypatch):
    """The key changes with the set and order of files, the package version and the reasoning flag."""
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    a.write_text(SMALL, encoding="utf-8")
    b.write_text(SMALL, encoding="utf-8")  # same bytes, another file
    keys = {cache_key([a], reasoned=False), cache_key([b], reasoned=False), cache_key([a, b], reasoned=False),
            cache_key([b, a], reasoned=False), cache_key([a], reasoned=True)}
    assert len(keys) == 5
    import chiplet_kg.cache as cache_module

    before = cache_key([a], reasoned=False)
    monkeypatch.setattr(cache_module, "__version__", "99.0")
    assert cache_key([a], reasoned=False) != before
    assert cache_key([tmp_path / "missing.ttl"], reasoned=False) is None


def _corruptions(data: bytes, key: str) -> dict[str, bytes]:
    head, _, body = data.partition(b"\n\n")
    return {
        "empty": b"",
        "garbage": b"\x00\xff not a cache at all",
        "truncated": data[: len(data) // 2],
        "one body byte flipped": head + b"\n\n" + body[:100] + bytes([body[100] ^ 1]) + body[101:],
        "other key": data.replace(key.encode(), b"0" * 64, 1),
        "bad body, checksum fixed up": _refresh_sum(head, body.replace(b"<https://", b"<https ://", 1)),
        "quad count wrong": data.replace(b"# quads: ", b"# quads: 1", 1),
        "foreign named graph": _refresh_sum(head, body + b"<urn:x:s> <urn:x:p> <urn:x:o> <urn:x:other> .\n",
                                            extra=1),
    }


def _refresh_sum(head: bytes, body: bytes, extra: int = 0) -> bytes:
    import hashlib

    lines = head.decode().splitlines()
    out = []
    for line in lines:
        if line.startswith("# sha256: "):
            line = "# sha256: " + hashlib.sha256(body).hexdigest()
        if line.startswith("# quads: ") and extra:
            line = f"# quads: {int(line[9:]) + extra}"
        out.append(line)
    return "\n".join(out).encode() + b"\n\n" + body


@pytest.mark.parametrize("kind", ["empty", "garbage", "truncated", "one body byte flipped", "other key",
                                  "bad body, checksum fixed up", "quad count wrong", "foreign named graph"])
def test_corrupt_cache_file_is_ignored(cache, tmp_path, kind):
    """A damaged or foreign cache file is ignored: the inputs are parsed again, with the same answers, no error."""
    data = tmp_path / "mine.ttl"
    data.write_text(SMALL, encoding="utf-8")
    kg = ChipletKG(builtin=False, data=(data,), reason=False)
    path = write_cached(kg.store.ox, kg.files, reasoned=False)
    key = cache_key(kg.files, reasoned=False)
    path.write_bytes(_corruptions(path.read_bytes(), key)[kind])
    again = ChipletKG(builtin=False, data=(data,), use_cache=True, reason=False)
    assert not again.from_cache
    assert len(again) == len(kg) == 5


def test_corrupt_cache_on_the_command_line_is_no_error(tmp_path):
    """`chiplet-kg query` with a damaged cache entry answers as without one: exit 0, no traceback, same rows."""
    env = {**os.environ, CACHE_ENV: str(tmp_path / "cache"), "PYTHONWARNINGS": "ignore"}

    def query():
        return subprocess.run([sys.executable, "-m", "chiplet_kg.cli.main", "query", "market-structure",
                               "--no-reason", "--format", "csv"], capture_output=True, text=True, env=env, timeout=300)

    plain = query()
    assert plain.returncode == 0, plain.stderr
    kg = ChipletKG(reason=False)
    path = write_cached(kg.store.ox, kg.files, reasoned=False, folder=tmp_path / "cache")
    hit = query()
    path.write_bytes(path.read_bytes()[:-200])
    damaged = query()
    for out in (hit, damaged):
        assert out.returncode == 0 and out.stderr == "" and out.stdout == plain.stdout


def test_graph_changed_in_memory_is_not_cached(cache, tmp_path):
    """A graph changed after loading is not the files' graph: it is never cached (it would answer for them)."""
    data = tmp_path / "mine.ttl"
    data.write_text(SMALL, encoding="utf-8")
    kg = ChipletKG(builtin=False, data=(data,), reason=False)
    assert not kg.changed
    kg.set_inferred([])  # the reasoner's part may be set: build does
    assert not kg.changed
    kg.add_triples([(URIRef("https://example.org/cache-test/c"), RDFS.label, Literal("added"))])
    assert kg.changed
    assert write_kg(kg, reasoned=False) is None
    assert not cache.exists() or not list(cache.glob("store-*.nq"))
    assert write_kg(ChipletKG(builtin=False, data=(data,), reason=False), reasoned=False) is not None


def test_cli_build_leaves_a_store_that_query_reuses(tmp_path):
    """`chiplet-kg build` writes the store entry; `chiplet-kg query` then answers from it, with the same rows."""
    folder = tmp_path / "cache"
    env = {**os.environ, CACHE_ENV: str(folder), "PYTHONWARNINGS": "ignore"}
    cli = [sys.executable, "-m", "chiplet_kg.cli.main"]
    before = subprocess.run(cli + ["query", "market-structure", "--no-reason", "--format", "csv"], capture_output=True,
                            text=True, env=env, timeout=300)
    assert before.returncode == 0, before.stderr
    built = subprocess.run(cli + ["build", "--no-owl", "--no-reason", "--out", str(tmp_path / "out")],
                           capture_output=True, text=True, env=env, timeout=900)
    assert built.returncode == 0, built.stderr
    entries = list(folder.glob("store-*.nq"))
    kg = ChipletKG(reason=False)
    assert entries == [cache_path(cache_key(kg.files, reasoned=False), folder)]
    after = subprocess.run(cli + ["query", "market-structure", "--no-reason", "--format", "csv"], capture_output=True,
                           text=True, env=env, timeout=300)
    assert after.returncode == 0 and after.stdout == before.stdout


def test_cache_folder_is_shared_with_the_reasoner(tmp_path, monkeypatch):
    """One folder for both caches: build/.cache under the current folder, or $CHIPLET_KG_CACHE."""
    assert reason.cache_dir is cache_dir and reason.CACHE_ENV == CACHE_ENV
    monkeypatch.delenv(CACHE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert cache_dir() == Path("build") / ".cache"
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "env"))
    assert cache_path("k") == tmp_path / "env" / "store-k.nq"


def _reader(files, expected, rounds, conn):  # runs in a forked child
    seen = {"hit": 0, "miss": 0, "bad": 0}
    try:
        for _ in range(rounds):
            store = open_cached(files, reasoned=False)
            if store is None:
                seen["miss"] += 1
            elif len(store) == expected:
                seen["hit"] += 1
            else:
                seen["bad"] += 1
    except BaseException as err:  # noqa: BLE001
        seen["error"] = repr(err)
    conn.send(seen)
    conn.close()


def test_concurrent_writers_and_readers(cache, tmp_path):
    """Processes reading the entry while others rewrite it see the whole store or none, never part of one."""
    data = tmp_path / "mine.nt"
    data.write_text("".join(f'<urn:x:s{i}> <urn:x:p> "value {i}" .\n' for i in range(20000)), encoding="utf-8")
    kg = ChipletKG(builtin=False, data=(data,), reason=False)
    files = kg.files
    ctx = multiprocessing.get_context("fork")
    readers = []
    for _ in range(3):
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_reader, args=(files, 20000, 30, child))
        proc.start()
        readers.append((proc, parent))
    writers = [ctx.Process(target=lambda: [write_cached(kg.store.ox, files, reasoned=False) for _ in range(8)])
               for _ in range(2)]
    for w in writers:
        w.start()
    for w in writers:
        w.join(300)
        assert w.exitcode == 0
    results = []
    for proc, parent in readers:
        assert parent.poll(300)
        results.append(parent.recv())
        proc.join(60)
    assert all("error" not in r and r["bad"] == 0 for r in results), results
    assert sum(r["hit"] for r in results) + sum(r["miss"] for r in results) == 90
    assert open_cached(files, reasoned=False) is not None
    assert not [p for p in cache.iterdir() if p.name.endswith(".tmp")]


def test_temporary_files_of_killed_writers_are_cleared(cache, tmp_path):
    """A writer killed mid-write leaves a hidden temporary file; the next write removes it once it is old."""
    import time

    data = tmp_path / "mine.ttl"
    data.write_text(SMALL, encoding="utf-8")
    kg = ChipletKG(builtin=False, data=(data,), reason=False)
    cache.mkdir(parents=True)
    abandoned, fresh = cache / ".store-abc.nq.x1y2.tmp", cache / ".store-def.nq.z3w4.tmp"
    abandoned.write_bytes(b"half a store")
    fresh.write_bytes(b"being written right now")
    an_hour_ago = time.time() - 3700
    os.utime(abandoned, (an_hour_ago, an_hour_ago))
    assert write_cached(kg.store.ox, kg.files, reasoned=False) is not None
    assert not abandoned.exists() and fresh.exists()
