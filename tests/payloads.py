"""Query-injection payloads shared by the query engine and injection tests (a helper, not a test module)."""

from __future__ import annotations

__all__ = ["INJECTIONS"]

#: Text that would change a query if it were pasted into it: closing braces and quotes, comments, keywords,
#: escapes, IRIs, control and bidi characters, a SERVICE call to a loopback port nothing listens on.
INJECTIONS = [
    '" } UNION { ?entity ?p ?o } #', "' } UNION { ?s ?p ?o } #", "}", "#", "UNION", "\n} ; DROP ALL ; {", "<http://evil/>",
    '"""', "\\", "\\u0022 } #", "EDA\" || true || \"", ") } SELECT * WHERE { ?s ?p ?o", "?text", "$text",
    "]]>", "\u202e}", "EDA\x00", "ckgd:JCET> ?p ?o } #", "VALUES ?x { 1 }", "FILTER(true)",
    "光刻\" } UNION { ?x rdfs:label ?y } #", "'; --", "<script>", "%7D", "\r\n}", "\t}", "{ }", "\"@en", "^^xsd:string",
    "SERVICE <http://127.0.0.1:9/>",
]
