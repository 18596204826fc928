"""Bad input gets one clear message: file and line for malformed RDF, one line for missing files."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph

from chiplet_kg import ChipletKG, InputError
from chiplet_kg.loader import parse_into

from .conftest import DATA, fixture_header

MALFORMED = sorted((DATA / "malformed").iterdir())


@pytest.mark.parametrize("path", MALFORMED, ids=[p.name for p in MALFORMED])
def test_malformed_file_names_file_and_line(path):
    """Every malformed fixture raises InputError naming the file and a line number."""
    with pytest.raises(InputError) as info:
        parse_into(Graph(), path)
    msg = str(info.value)
    assert msg.startswith(str(path)), msg
    assert re.search(r"line \d+", msg), msg
    assert "\n" not in msg and "Traceback" not in msg
    expected = fixture_header(path).get("expect-line")
    if expected:
        assert f"line {expected}" in msg, msg


def test_malformed_file_adds_nothing():
    """A file that fails to parse leaves the graph as it was."""
    g = Graph()
    parse_into(g, DATA / "good" / "own-supplier.ttl")
    before = len(g)
    with pytest.raises(InputError):
        parse_into(g, DATA / "malformed" / "unclosed-bracket.ttl")
    assert len(g) == before > 0


@pytest.mark.parametrize("name, fragment", [
    ("does-not-exist.ttl", "no such file"),
    ("", "is a folder"),
    ("notes.txt", "unknown RDF file type"),
])
def test_missing_folder_or_unknown_type(tmp_path, name, fragment):
    """Missing files, folders and unknown suffixes are one-line errors."""
    path = tmp_path / name if name else tmp_path
    if name == "notes.txt":
        path.write_text("hello")
    with pytest.raises(InputError, match=fragment):
        ChipletKG(data=(path,), builtin=False)


def test_unreadable_file(tmp_path):
    """A file without read permission says it cannot be read (root can read anything, so chmod is checked first)."""
    import os

    path = tmp_path / "secret.ttl"
    path.write_text("<a:b> <a:c> <a:d> .\n")
    path.chmod(0)
    if os.access(path, os.R_OK):  # running as root: permissions do not stop reads
        path.chmod(0o644)
        path.unlink()
        path.mkdir()  # a folder where a file is expected is the unreadable case we can force
        with pytest.raises(InputError, match="folder"):
            parse_into(Graph(), path)
    else:
        with pytest.raises(InputError, match="cannot read"):
            parse_into(Graph(), path)


def test_every_rdf_format_loads(tmp_path, kg):
    """The same small graph loads from Turtle, N-Triples, N-Quads, TriG, RDF/XML and JSON-LD."""
    from rdflib import Dataset, URIRef

    g = Graph().parse(DATA / "good" / "own-supplier.ttl")
    ds = Dataset()
    named = ds.graph(URIRef("https://example.org/mine/graph"))
    for t in g:
        named.add(t)
    for suffix, fmt in [(".nt", "nt"), (".nq", "nquads"), (".trig", "trig"), (".rdf", "xml"), (".jsonld", "json-ld"), (".ttl", "turtle")]:
        path = tmp_path / f"mine{suffix}"
        (ds if fmt in ("nquads", "trig") else g).serialize(path, format=fmt, encoding="utf-8")
        h = Graph()
        assert parse_into(h, path) == len(g), suffix
