"""SHACL on the store: each SPARQL-based constraint as one query over all its focus nodes, the core shapes by pySHACL.

``ontology/shapes.ttl`` stays the one statement of the rules. pySHACL runs a SPARQL-based constraint
(``sh:sparql [ sh:select … ]``) once per focus node on rdflib's query engine, which is what made validation
slow. Here the shapes graph is split in two:

- every SPARQL-based constraint becomes **one** query on the pyoxigraph store: the shape's targets
  (``sh:targetClass`` with ``rdfs:subClassOf*``, ``sh:targetNode``, ``sh:targetSubjectsOf``,
  ``sh:targetObjectsOf``, a ``sh:SPARQLTarget``) are joined in as a sub-select that binds ``$this``, at the
  top of the constraint's own ``WHERE`` group, which is what pre-binding means for the queries the SHACL
  rules allow (a query this cannot run faithfully is refused with :class:`UnsupportedShape`);
- the rest (the core constraints) goes to pySHACL, with SPARQL-based targets replaced by the nodes they
  select on the store, over an rdflib graph holding only the triples those constraints can read.

Both halves give :class:`Result` rows that :func:`reference` (plain pySHACL with ``advanced=True`` on the
whole graph) gives too; ``tests/test_shacl_equivalence.py`` compares them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node, Variable

from .errors import UsageError
from .namespace import ASSERTED_GRAPH

__all__ = ["Result", "UnsupportedShape", "SparqlConstraint", "load_shapes", "split_shapes", "constraint_query", "run_shapes",
           "reference", "data_graph", "store_graph", "results_from_report"]

#: Triples every core constraint may read besides the ones its paths name: class membership and the class tree.
_ALWAYS = frozenset({RDF.type, RDFS.subClassOf})
#: Shape parameters whose values are predicates of the data graph (besides sh:path).
_PREDICATE_PARAMETERS = (SH.targetSubjectsOf, SH.targetObjectsOf, SH.equals, SH.disjoint, SH.lessThan,
                         SH.lessThanOrEquals)
#: Pre-bound variables SHACL defines that this engine does not bind (it refuses a query that uses them).
_UNSUPPORTED_VARIABLES = ("shapesGraph", "currentShape")
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")


class UnsupportedShape(UsageError):
    """A shape uses a SHACL-SPARQL feature that this engine does not run; the message says which and where."""


@dataclass(frozen=True)
class Result:
    """One validation result, as in a SHACL report (``sh:ValidationResult``)."""

    focus: Node
    path: Node | None
    component: URIRef
    shape: Node
    value: Node | None
    severity: URIRef = SH.Violation
    messages: tuple[str, ...] = ()

    def key(self) -> tuple:
        """(focus node, result path, constraint component, source shape, value): what two reports must agree on."""
        return self.focus, self.path, self.component, self.shape, self.value


@dataclass
class SparqlConstraint:
    """One ``sh:sparql`` constraint of one shape, with what is needed to run it over all focus nodes at once."""

    shape: Node
    node: Node
    select: str
    prefixes: dict[str, str]
    messages: tuple[Literal, ...]
    severity: URIRef
    path: Node | None
    targets: list[tuple[URIRef, Node]] = field(default_factory=list)
    deactivated: bool = False


# ------------------------------------------------------------------ the shapes graph

def load_shapes(path: str | Path) -> Graph:
    """The shapes graph in ``path`` (Turtle); a malformed file gets the loader's error, naming file and line."""
    from .loader import parse_into

    shapes = Graph()
    parse_into(shapes, path)
    return shapes


def _subtree(graph: Graph, node: Node, seen: set | None = None) -> set:
    """``node`` and the blank nodes reachable from it: what to drop with a constraint or target node."""
    seen = set() if seen is None else seen
    if node in seen:
        return seen
    seen.add(node)
    for obj in graph.objects(node, None):
        if isinstance(obj, BNode):
            _subtree(graph, obj, seen)
    return seen


def _prefixes(shapes: Graph, node: Node) -> dict[str, str]:
    """The prefix declarations a query's ``sh:prefixes`` points to (``sh:declare``, following ``owl:imports``)."""
    found: dict[str, str] = {}
    todo, seen = list(shapes.objects(node, SH.prefixes)), set()
    while todo:
        holder = todo.pop()
        if holder in seen:
            continue
        seen.add(holder)
        todo.extend(shapes.objects(holder, OWL.imports))
        for dec in shapes.objects(holder, SH.declare):
            prefix, namespace = shapes.value(dec, SH.prefix), shapes.value(dec, SH.namespace)
            if prefix is None or namespace is None:
                raise UnsupportedShape(f"a sh:declare of {holder} needs one sh:prefix and one sh:namespace")
            if found.get(str(prefix), str(namespace)) != str(namespace):
                raise UnsupportedShape(f"prefix {prefix}: is declared twice with different namespaces")
            found[str(prefix)] = str(namespace)
    return found


def _targets(shapes: Graph, shape: Node) -> list[tuple[URIRef, Node]]:
    """The targets of ``shape`` as (kind, value) pairs; implicit class targets included."""
    found = [(kind, value) for kind in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
             for value in shapes.objects(shape, kind)]
    if (shape, RDF.type, RDFS.Class) in shapes or (shape, RDF.type, OWL.Class) in shapes:
        found.append((SH.targetClass, shape))
    for target in shapes.objects(shape, SH.target):
        if (target, RDF.type, SH.SPARQLTarget) not in shapes:
            raise UnsupportedShape(f"{_name(shape)} has a sh:target that is not a sh:SPARQLTarget (custom target types are not supported)")
        select = shapes.value(target, SH.select)
        if select is None:
            raise UnsupportedShape(f"the sh:SPARQLTarget of {_name(shape)} has no sh:select")
        found.append((SH.SPARQLTarget, target))
    return found


def _name(node: Node) -> str:
    return f"<{node}>" if isinstance(node, URIRef) else "a blank-node shape"


def _active(shapes: Graph, node: Node) -> bool:
    value = shapes.value(node, SH.deactivated)
    return not (isinstance(value, Literal) and value.toPython() is True)


def split_shapes(shapes: Graph) -> tuple[Graph, list[SparqlConstraint]]:
    """The shapes graph without its SPARQL-based constraints, and those constraints.

    The first graph keeps every blank-node id of ``shapes`` (so property shapes are the same nodes in both
    reports); SPARQL-based targets stay in it, for :func:`run_shapes` to replace by the nodes they select.
    """
    constraints = []
    for shape, node in sorted(shapes.subject_objects(SH.sparql), key=str):
        select = shapes.value(node, SH.select)
        if not isinstance(select, Literal):
            raise UnsupportedShape(f"the sh:sparql constraint of {_name(shape)} needs one sh:select (sh:ask validators are not supported)")
        targets = _targets(shapes, shape)
        parents = list(shapes.subjects(SH.property, shape))
        is_property = shapes.value(shape, SH.path) is not None
        for parent in parents:
            targets.extend(_targets(shapes, parent))
        # A constraint inside sh:node, sh:or, sh:not, qualified shapes … is checked per value node, not per
        # target: that needs the whole SHACL machinery, so it is refused rather than run wrongly.
        for p in (SH.node, SH["and"], SH["or"], SH.xone, SH["not"], SH.qualifiedValueShape, RDF.first):
            if (None, p, shape) in shapes:
                raise UnsupportedShape(f"{_name(shape)} has a sh:sparql constraint and is used inside {shapes.qname(p)}: "
                                       "only constraints of targeted shapes and their sh:property shapes run as one query")
        if not _active(shapes, shape) or any(not _active(shapes, p) for p in parents):
            continue
        constraints.append(SparqlConstraint(
            shape=shape, node=node, select=str(select), prefixes=_prefixes(shapes, node),
            messages=tuple(sorted(shapes.objects(node, SH.message))) + tuple(
                m for m in sorted(shapes.objects(shape, SH.message)) if m not in set(shapes.objects(node, SH.message))),
            severity=shapes.value(shape, SH.severity) or SH.Violation,
            path=shapes.value(shape, SH.path) if is_property else None,
            targets=targets, deactivated=not _active(shapes, node)))
    core = Graph()
    drop = set()
    for _shape, node in shapes.subject_objects(SH.sparql):
        _subtree(shapes, node, drop)
    for triple in shapes:
        if triple[1] == SH.sparql or triple[0] in drop:
            continue
        core.add(triple)
    for prefix, ns in shapes.namespaces():
        core.bind(prefix, ns, override=True)
    return core, [c for c in constraints if not c.deactivated]


# ------------------------------------------------------------------ one query per constraint

def _target_group(targets, shapes: Graph | None = None) -> str:
    """A SPARQL group binding ``?this`` to every focus node of ``targets`` (each node once)."""
    branches = []
    for kind, value in targets:
        if kind == SH.SPARQLTarget:
            select = str(shapes.value(value, SH.select))
            branches.append("{ " + _without_prologue(select) + " }")
            continue
        if not isinstance(value, URIRef):
            raise UnsupportedShape(f"a target value must be an IRI here, not {value!r}")
        iri = f"<{value}>"
        branches.append({
            SH.targetClass: f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* {iri} }}",
            SH.targetNode: f"{{ BIND({iri} AS ?this) }}",
            SH.targetSubjectsOf: f"{{ ?this {iri} ?_ckg_o }}",
            SH.targetObjectsOf: f"{{ ?_ckg_s {iri} ?this }}",
        }[kind])
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(branches) + " } }"


_PROLOGUE = re.compile(r"^\s*((PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", re.IGNORECASE)


def _without_prologue(select: str) -> str:
    # A SPARQLTarget's own PREFIX lines cannot stand inside a sub-select; its prefixes go to the outer query.
    return _PROLOGUE.sub("", _strip_comments(select), count=1)


def _strip_comments(text: str) -> str:
    """``text`` with ``#`` comments removed (outside strings and IRIs)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = _string_end(text, i)
            out.append(text[i:j])
            i = j
        elif c == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]):
            j = text.index(">", i) + 1
            out.append(text[i:j])
            i = j
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _string_end(text: str, i: int) -> int:
    quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else text[i]
    j = i + len(quote)
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text.startswith(quote, j):
            return j + len(quote)
        j += 1
    return len(text)


def _where_brace(text: str) -> int:
    """The index of the ``{`` that opens the query's WHERE group (outside strings, IRIs and comments)."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            i = _string_end(text, i)
        elif c == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]):
            i = text.index(">", i) + 1
        elif c == "{":
            return i
        else:
            i += 1
    raise UnsupportedShape("the sh:select has no WHERE group")


def _check_query(constraint: SparqlConstraint, text: str) -> None:
    """Refuse what pre-binding forbids (SHACL 5.2.1) and what a join at the top cannot stand in for."""
    where = f"the sh:sparql constraint of {_name(constraint.shape)}"
    bare = _strip_comments(text)
    upper = re.sub(r"\"[^\"]*\"|'[^']*'|<[^>\s]*>", "", bare).upper()
    for word, why in (("MINUS", "a MINUS clause"), ("VALUES", "a VALUES clause"), ("SERVICE", "a federated query (SERVICE)")):
        if re.search(rf"\b{word}\b", upper):
            raise UnsupportedShape(f"{where} uses {why}, which SHACL forbids in a query with pre-bound variables")
    for word, why in (("LIMIT", "LIMIT"), ("OFFSET", "OFFSET"), ("GROUP", "GROUP BY"), ("HAVING", "HAVING")):
        if re.search(rf"\b{word}\b", upper):
            raise UnsupportedShape(f"{where} uses {why}: it would apply to all focus nodes at once, not to each")
    if len(re.findall(r"\bSELECT\b", upper)) > 1:
        raise UnsupportedShape(f"{where} has a nested SELECT, which is not supported")
    used = set(_VARIABLE.findall(bare))
    for var in _UNSUPPORTED_VARIABLES:
        if var in used:
            raise UnsupportedShape(f"{where} uses ${var}, which this engine does not pre-bind")
    if "PATH" in used and constraint.path is None:
        raise UnsupportedShape(f"{where} uses $PATH but its shape has no sh:path")
    if re.search(r"\bAS\s+[?$]this\b", bare, re.IGNORECASE):
        raise UnsupportedShape(f"{where} re-binds $this with AS, which SHACL forbids")


def _check_scopes(where: str, query_text: str, names: set[str] = frozenset({"this"})) -> None:
    """Refuse a query whose result would change if ``$this`` were joined at the top instead of substituted.

    ``query_text`` is the query with the target already joined in as the first element of its WHERE group.
    Joining is substitution for triple patterns anywhere and for expressions of the top group (and anything
    inside EXISTS, which pyoxigraph evaluates with the outer solution bound). An expression mentioning
    ``$this`` inside a nested group (a UNION branch, a sub-group's own FILTER, …) would see it unbound: refused.
    """
    from rdflib.plugins.sparql import algebra, parser

    try:
        query = algebra.translateQuery(parser.parseQuery(query_text))
    except Exception as err:  # noqa: BLE001 - rdflib raises many kinds; the message is what matters
        raise UnsupportedShape(f"{where}: cannot read the sh:select: {err}") from None
    bound = {Variable(n) for n in names}

    def mentions(expr) -> bool:
        if isinstance(expr, Variable):
            return expr in bound
        if isinstance(expr, dict):
            return any(mentions(v) for k, v in expr.items() if k != "_vars")
        if isinstance(expr, (list, tuple, set)):
            return any(mentions(v) for v in expr)
        return False

    def walk(node, top: bool) -> None:
        if not isinstance(node, dict):
            return
        name = node.name
        if name == "Project" and not top:
            top = True  # the target's own sub-select: a scope of its own, where ?this is its result
        if name in ("Filter", "Extend", "LeftJoin"):
            expr = node.get("expr")
            if expr is not None and not top and mentions(_outside_exists(expr)):
                raise UnsupportedShape(f"{where} uses ${'/$'.join(sorted(names))} in an expression inside a nested group; "
                                      "move it to the top group")
        children = {
            "Join": (("p1", top), ("p2", False)),
            "LeftJoin": (("p1", top), ("p2", False)),
        }.get(name)
        if children is None:
            children = tuple((k, top if name in ("Project", "Distinct", "Reduced", "OrderBy", "Filter", "Extend",
                                                  "SelectQuery", "ToMultiSet") else False)
                             for k in ("p", "p1", "p2"))
        for key, child_top in children:
            child = node.get(key)
            if child is not None:
                walk(child, child_top)

    walk(query.algebra, True)
    return None


def _outside_exists(expr):
    """``expr`` with the graph patterns of EXISTS / NOT EXISTS cut out (they see the outer bindings)."""
    if hasattr(expr, "name") and expr.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
        return None
    if isinstance(expr, dict):
        return {k: _outside_exists(v) for k, v in expr.items() if k != "_vars"}
    if isinstance(expr, (list, tuple)):
        return [_outside_exists(v) for v in expr]
    return expr


def constraint_query(constraint: SparqlConstraint, shapes: Graph) -> str:
    """The one query that checks ``constraint`` on all its focus nodes: the target joined at the top."""
    text = constraint.select
    if constraint.path is not None:
        if not isinstance(constraint.path, URIRef):
            raise UnsupportedShape(f"{_name(constraint.shape)}: $PATH is only supported for a predicate path")
        text = re.sub(r"\$PATH\b", f"<{constraint.path}>", text)
    _check_query(constraint, text)
    prefixes = dict(constraint.prefixes)
    for kind, target in constraint.targets:
        if kind == SH.SPARQLTarget:
            prefixes.update(_prefixes(shapes, target))
    body = _without_prologue(text)
    brace = _where_brace(body)
    prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
    query = prologue + body[:brace + 1] + " " + _target_group(constraint.targets, shapes) + " " + body[brace + 1:]
    _check_scopes(f"the sh:sparql constraint of {_name(constraint.shape)}", query)
    return query


def _format(message: str, row: dict) -> str:
    # As pySHACL does: {?var} and {$var} become the value's string form; unbound variables stay as written.
    for var, value in row.items():
        message = re.sub(r"\{[?$]" + re.escape(var) + r"\}", lambda _m, v=value: str(v), message)
    return message


def _rows(ox_store, text: str) -> list[dict]:
    import pyoxigraph as ox

    from .sparql.store import solution_rows

    return solution_rows(ox_store.query(text, default_graph=[ox.NamedNode(str(ASSERTED_GRAPH))]))[1]


_SELECT = re.compile(r"^\s*SELECT\s+(?:(?:DISTINCT|REDUCED)\s+)?((?:[?$][A-Za-z_][A-Za-z0-9_]*\s*)+)(?:WHERE\s*)?(?=\{)",
                     re.IGNORECASE)
_EXISTS = re.compile(r"FILTER\s+(NOT\s+)?EXISTS\s*(?=\{)", re.IGNORECASE)


def _past_token(text: str, i: int) -> int | None:
    """The index just after the string literal or IRI that starts at ``i`` (their braces are not the query's), or
    None when none starts there."""
    c = text[i]
    if c in "\"'":
        return _string_end(text, i)
    if c == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]):
        return text.index(">", i) + 1
    return None


def _group_end(text: str, i: int) -> int:
    """The index just after the ``}`` that closes the ``{`` at ``i`` (outside strings, IRIs and comments)."""
    depth, n = 0, len(text)
    while i < n:
        c = text[i]
        past = _past_token(text, i)
        if past is not None:
            i = past
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise UnsupportedShape("unbalanced braces in a sh:select")


def _top_exists(body: str, brace: int) -> tuple[str, list[tuple[bool, str]]]:
    """``body`` without the ``FILTER [NOT] EXISTS { … }`` clauses of its top group, and those clauses.

    Each clause comes back as (negated, the text inside its braces).
    """
    end = _group_end(body, brace)
    kept, found, i = [], [], brace + 1
    start = i
    while i < end - 1:
        c = body[i]
        past = _past_token(body, i)
        if past is not None:
            i = past
            continue
        if c == "{":
            i = _group_end(body, i)  # a nested group: its filters are its own
            continue
        match = _EXISTS.match(body, i) if c in "Ff" and (i == 0 or not body[i - 1].isalnum()) else None
        if match:
            open_at = match.end()
            close = _group_end(body, open_at)
            kept.append(body[start:i])
            found.append((bool(match.group(1)), body[open_at + 1:close - 1]))
            i = start = close
            continue
        i += 1
    kept.append(body[start:end - 1])
    return body[:brace + 1] + "".join(kept) + body[end - 1:], found


def _values_block(names: list[str], tuples: list[tuple]) -> str:
    from .sparql import term_to_sparql

    head = " ".join(f"?{n}" for n in ["_ckg_k", *names])
    lines = []
    for k, values in enumerate(tuples):
        cells = " ".join("UNDEF" if v is None else term_to_sparql(v) for v in values)
        lines.append(f"({k} {cells})")
    return f"VALUES ({head}) {{ " + " ".join(lines) + " }"


def _decorrelated_rows(ox_store, query: str, where: str) -> list[dict] | None:
    """The solutions of ``query``, its top-level EXISTS filters evaluated once for all rows instead of per row.

    pyoxigraph evaluates ``FILTER NOT EXISTS { … }`` for each solution without using the solution's bindings
    to plan the inner pattern (a property path there is walked from every node, every time), which made one
    constraint take seconds on a few thousand triples. Here the query runs without those filters, and each
    filter's pattern runs once, joined with a VALUES block of the distinct bindings it shares with the rows:
    substitution again, for all rows at once. None when that cannot be done faithfully (the caller then runs
    the query as it is).
    """
    prologue_end = len(query) - len(_PROLOGUE.sub("", query, count=1))
    prologue, body = query[:prologue_end], query[prologue_end:]
    select = _SELECT.match(body)
    if select is None:
        return None
    brace = select.end()
    outer, clauses = _top_exists(body, brace)
    if not clauses:
        return None
    outer_vars = set(_VARIABLE.findall(outer[brace:]))
    rows = _rows(ox_store, prologue + "SELECT * " + outer[brace:])
    for negated, inner in clauses:
        shared = sorted(set(_VARIABLE.findall(inner)) & outer_vars)
        keys: dict[tuple, int] = {}
        for row in rows:
            keys.setdefault(tuple(row.get(n) for n in shared), len(keys))
        hit = _exists_for(ox_store, prologue, inner, shared, keys, where)
        if hit is None:
            return None
        rows = [row for row in rows if (keys[tuple(row.get(n) for n in shared)] in hit) != negated]
    # Back to the constraint's own projection: a variable it does not select must not make two results of one
    # solution, nor fill a {?var} of the message.
    projected = _VARIABLE.findall(select.group(1))
    return [{n: row[n] for n in projected if n in row} for row in rows]


def _exists_for(ox_store, prologue: str, inner: str, shared: list[str], keys: dict[tuple, int], where: str) -> set | None:
    """The numbers of the ``keys`` (bindings of ``shared``) for which the pattern ``inner`` has a solution."""
    if not keys:
        return set()
    if not shared:
        return set(keys.values()) if _rows(ox_store, prologue + "SELECT * WHERE { " + inner + " } LIMIT 1") else set()
    written = [key for key in keys if not any(isinstance(v, BNode) for v in key)]
    hit = set()
    if written:
        def text(tuples):
            return (prologue + "SELECT DISTINCT ?_ckg_k WHERE { " + _values_block(shared, tuples) + " " + inner + " }")

        try:
            _check_scopes(where, text(written[:1]), set(shared))
        except UnsupportedShape:
            return None
        numbers = [keys[key] for key in written]
        hit.update(numbers[int(row["_ckg_k"])] for row in _rows(ox_store, text(written)))
    # A blank node of the store cannot be written into query text: substitute it instead (SEP-0007), one
    # query per binding; few rows hold one (an owl:unionOf range, an axiom).
    ask, written_set = prologue + "ASK { " + inner + " }", set(written)
    for key in keys:
        if key in written_set:
            continue
        if _ask(ox_store, ask, {n: v for n, v in zip(shared, key) if v is not None}):
            hit.add(keys[key])
    return hit


def _ask(ox_store, text: str, bindings: dict) -> bool:
    import pyoxigraph as ox

    from .sparql import to_ox

    return bool(ox_store.query(text, default_graph=[ox.NamedNode(str(ASSERTED_GRAPH))],
                               substitutions={ox.Variable(n): to_ox(v) for n, v in bindings.items()}))


def _run_constraint(ox_store, constraint: SparqlConstraint, shapes: Graph) -> list[Result]:
    results, seen = [], set()
    query = constraint_query(constraint, shapes)
    rows = _decorrelated_rows(ox_store, query, f"the sh:sparql constraint of {_name(constraint.shape)}")
    if rows is None:
        rows = _rows(ox_store, query)
    for row in rows:
        if row.get("failure") is not None:
            raise UnsupportedShape(f"the sh:sparql constraint of {_name(constraint.shape)} reported a failure (?failure)")
        focus = row["this"]
        path = row.get("path") if isinstance(row.get("path"), URIRef) else constraint.path
        value = row.get("value")
        if value is None and constraint.path is None:
            value = focus  # a node shape's result names the focus node as its value (SHACL 5.3.2)
        extra = tuple(sorted((k, v) for k, v in row.items() if k not in ("this", "path", "value")))
        if (focus, path, value, extra) in seen:  # the same solution twice is one result
            continue
        seen.add((focus, path, value, extra))
        results.append(Result(focus=focus, path=path, component=SH.SPARQLConstraintComponent, shape=constraint.shape,
                              value=value, severity=constraint.severity,
                              messages=tuple(_format(str(m), row) for m in constraint.messages)))
    return results


# ------------------------------------------------------------------ core shapes with pySHACL

def _path_predicates(shapes: Graph, path: Node, found: set) -> None:
    if isinstance(path, URIRef):
        if not str(path).startswith(str(SH)) and path != RDF.nil:
            found.add(path)
        return
    for _p, obj in shapes.predicate_objects(path):
        _path_predicates(shapes, obj, found)


def needed_predicates(core: Graph) -> set | None:
    """The predicates the core shapes can read, or None when they may read any (``sh:closed``)."""
    if (None, SH.closed, None) in core:
        return None
    found = set(_ALWAYS)
    for path in core.objects(None, SH.path):
        _path_predicates(core, path, found)
    for param in _PREDICATE_PARAMETERS:
        found.update(p for p in core.objects(None, param) if isinstance(p, URIRef))
    return found


def data_graph(graph: Graph, predicates: set | None = None) -> Graph:
    """The triples of ``graph`` whose predicate is one of ``predicates`` (all of them when None), in a new graph."""
    part = Graph()
    for pred in [None] if predicates is None else sorted(predicates):
        part.addN((s, p, o, part) for s, p, o in graph.triples((None, pred, None)))
    return part


def store_graph(ox_store, predicates: set | None = None) -> Graph:
    """The store's asserted triples (only those with ``predicates``, when given) as an rdflib graph.

    Literals come as the store keeps them: see :func:`run_shapes`.
    """
    import pyoxigraph as ox

    from .sparql import from_ox

    graph = Graph()
    terms: dict = {}

    def term(t):
        found = terms.get(t)
        if found is None:
            found = terms[t] = from_ox(t)
        return found

    name = ox.NamedNode(str(ASSERTED_GRAPH))
    for pred in [None] if predicates is None else [ox.NamedNode(str(p)) for p in sorted(predicates)]:
        graph.addN((term(q.subject), term(q.predicate), term(q.object), graph)
                   for q in ox_store.quads_for_pattern(None, pred, None, name))
    return graph


def results_from_report(report: Graph) -> list[Result]:
    """The results of a pySHACL report graph."""
    results = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        results.append(Result(
            focus=report.value(result, SH.focusNode), path=report.value(result, SH.resultPath),
            component=report.value(result, SH.sourceConstraintComponent), shape=report.value(result, SH.sourceShape),
            value=report.value(result, SH.value), severity=report.value(result, SH.resultSeverity),
            messages=tuple(sorted(str(m) for m in report.objects(result, SH.resultMessage)))))
    return results


def _pyshacl(data: Graph, shapes: Graph, *, inplace: bool = False) -> list[Result]:
    import pyshacl

    # inplace: pySHACL otherwise copies the data graph first (a third of its time at 100k triples); only for a
    # graph made for this run, since SHACL rules (sh:rule) would write into it.
    conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                               allow_warnings=True, inplace=inplace)
    return results_from_report(report)


def _with_sparql_targets_resolved(core: Graph, ox_store) -> Graph:
    """``core`` with each sh:SPARQLTarget replaced by sh:targetNode for each node it selects on the store."""
    targets = list(core.subject_objects(SH.target))
    if not targets:
        return core
    resolved = Graph()
    drop = set()
    for _shape, target in targets:
        _subtree(core, target, drop)
    for triple in core:
        if triple[1] != SH.target and triple[0] not in drop:
            resolved.add(triple)
    for shape, target in targets:
        if (target, RDF.type, SH.SPARQLTarget) not in core:
            raise UnsupportedShape(f"{_name(shape)} has a sh:target that is not a sh:SPARQLTarget (custom target types are not supported)")
        prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in _prefixes(core, target).items())
        select = prologue + _without_prologue(str(core.value(target, SH.select)))
        for row in _rows(ox_store, select):
            if "this" in row:
                resolved.add((shape, SH.targetNode, row["this"]))
    return resolved


def run_shapes(ox_store, shapes: Graph, data: Graph | None = None) -> list[Result]:
    """Validate the store's asserted triples against ``shapes``: the results pySHACL gives, faster.

    Parameters
    ----------
    ox_store : the pyoxigraph store; the SPARQL-based constraints and targets run on its asserted graph.
    shapes : the shapes graph (:func:`load_shapes`).
    data : the same triples as an rdflib graph, for the core constraints (pySHACL reads only the predicates
        they name). pyoxigraph keeps numbers in canonical form (``"3"^^xsd:nonNegativeInteger`` is stored as
        ``"3"^^xsd:integer``, oxigraph issue 526), which ``sh:datatype`` and ``sh:pattern`` would see; pass the
        graph as parsed to check what the files say. None: built from the store.

    Raises
    ------
    UnsupportedShape
        A SPARQL-based constraint uses something this engine does not run as one query.
    """
    core, constraints = split_shapes(shapes)
    results = []
    for constraint in constraints:
        results.extend(_run_constraint(ox_store, constraint, shapes))
    if (None, RDF.type, None) in core or (None, SH.path, None) in core:
        core = _with_sparql_targets_resolved(core, ox_store)
        predicates = needed_predicates(core)
        if data is None:
            part = store_graph(ox_store, predicates)
        elif (None, SH.rule, None) in core:
            part = data_graph(data, predicates)  # rules write into the data graph: give them a copy
        else:
            part = data  # pySHACL only reads it: no copy (a copy costs more than the triples it would leave out)
        results.extend(_pyshacl(part, core, inplace=True))
    return results


def reference(data: Graph, shapes: Graph) -> list[Result]:
    """Plain pySHACL (``advanced=True``) on the whole ``data`` graph: what :func:`run_shapes` must agree with."""
    return _pyshacl(data, shapes)
