"""The ontology and data namespaces, declared once."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

__all__ = ["CKG", "CKGD", "ONTOLOGY_IRI", "ASSERTED_GRAPH", "INFERRED_GRAPH", "PREFIXES", "bind_prefixes"]

ONTOLOGY_IRI = URIRef("https://w3id.org/chiplet-kg/ontology")
CKGD = Namespace("https://w3id.org/chiplet-kg/data/")
#: Named graphs of the query store: what the files say, and what the reasoner adds.
ASSERTED_GRAPH = URIRef("https://w3id.org/chiplet-kg/graph/asserted")
INFERRED_GRAPH = URIRef("https://w3id.org/chiplet-kg/graph/inferred")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")


class CKG(DefinedNamespace):
    """Terms of the chiplet-kg ontology (``ontology/chiplet.ttl``); a misspelt term raises."""

    _NS = Namespace("https://w3id.org/chiplet-kg/ontology/")
    _fail = True

    # classes
    Advantage: URIRef
    ApplicationDomain: URIRef
    Bottleneck: URIRef
    Challenge: URIRef
    CountryOrRegion: URIRef
    DesignTool: URIRef
    Entity: URIRef
    Equipment: URIRef
    ExportControl: URIRef
    ExternalMeasure: URIRef
    Firm: URIRef
    GovernmentBody: URIRef
    IndustrialLaw: URIRef
    IndustryAssociation: URIRef
    IndustrySegment: URIRef
    IntegrationApproach: URIRef
    InterconnectTechnology: URIRef
    InterfaceStandard: URIRef
    MarketFigure: URIRef
    Material: URIRef
    Organisation: URIRef
    PackagingArchitecture: URIRef
    PackagingEquipment: URIRef
    PackagingPlatform: URIRef
    Policy: URIRef
    PolicyGroup: URIRef
    PolicyInstrument: URIRef
    ProcessEquipment: URIRef
    ProcessTechnology: URIRef
    ResearchInstitution: URIRef
    Roadmap: URIRef
    RoadmapGoal: URIRef
    RoadmapPhase: URIRef
    SourceSection: URIRef
    Standard: URIRef
    StandardsBody: URIRef
    SupplyChainItem: URIRef
    Talent: URIRef
    Technology: URIRef
    TechnologyApplication: URIRef
    Unit: URIRef
    # object properties
    addressedBy: URIRef
    addresses: URIRef
    appliedBy: URIRef
    appliedIn: URIRef
    appliesTechnology: URIRef
    basedIn: URIRef
    causedBy: URIRef
    comparedWith: URIRef
    competesIn: URIRef
    concerns: URIRef
    dependencyOf: URIRef
    dependsOn: URIRef
    developedBy: URIRef
    develops: URIRef
    goalOf: URIRef
    hasAdvantage: URIRef
    hasGoal: URIRef
    hasInstrument: URIRef
    hasPart: URIRef
    hasPhase: URIRef
    implementedBy: URIRef
    imposedBy: URIRef
    inDomain: URIRef
    inRegion: URIRef
    isTypeOf: URIRef
    leadsIn: URIRef
    memberOf: URIRef
    ofSegment: URIRef
    partOf: URIRef
    precedes: URIRef
    promotes: URIRef
    restricts: URIRef
    setBy: URIRef
    suppliedBy: URIRef
    supplies: URIRef
    targets: URIRef
    unit: URIRef
    usesTechnology: URIRef
    # datatype properties
    horizonMaxYears: URIRef
    horizonMinYears: URIRef
    isoAlpha3: URIRef
    marketSize: URIRef
    sectionOrder: URIRef
    sharePercent: URIRef
    year: URIRef
    # annotation properties
    carriesArgument: URIRef
    evidence: URIRef
    sectionNumber: URIRef
    sourceFile: URIRef


PREFIXES: dict[str, Namespace] = {
    "ckg": Namespace(str(CKG._NS)),
    "ckgd": CKGD,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "org": ORG,
    "schema": SCHEMA,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on ``graph`` (replacing rdflib's defaults) and return it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph
