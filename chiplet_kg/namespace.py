"""The ontology and data namespaces, declared once."""

from __future__ import annotations

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

__all__ = ["CKG", "CKGD", "ETO", "ONTOLOGY_IRI", "ASSERTED_GRAPH", "INFERRED_GRAPH", "PREFIXES", "bind_prefixes"]

ONTOLOGY_IRI = URIRef("https://w3id.org/chiplet-kg/ontology")
CKGD = Namespace("https://w3id.org/chiplet-kg/data/")
#: Named graphs of the query store: what the files say, and what the reasoner adds.
ASSERTED_GRAPH = URIRef("https://w3id.org/chiplet-kg/graph/asserted")
INFERRED_GRAPH = URIRef("https://w3id.org/chiplet-kg/graph/inferred")
#: IRIs minted for the ETO Chip Explorer dataset's stable ids (eto:N20, eto:P88, eto:S1), see chiplet_kg.eto.
ETO = Namespace("https://w3id.org/chiplet-kg/eto/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")


class CKG(DefinedNamespace):
    """Terms of the chiplet-kg ontology (``ontology/chiplet.ttl``); a misspelt term raises."""

    _NS = Namespace("https://w3id.org/chiplet-kg/ontology/")
    _fail = True

    # classes
    AddressedDependency: URIRef
    ActorGroup: URIRef
    AggregateProvider: URIRef
    Advantage: URIRef
    Aim: URIRef
    ApplicationDomain: URIRef
    Bottleneck: URIRef
    Challenge: URIRef
    Condition: URIRef
    CountryGroup: URIRef
    CountryOrRegion: URIRef
    CountryProvision: URIRef
    Dependency: URIRef
    DesignResource: URIRef
    DesignTool: URIRef
    DomesticOrganisation: URIRef
    Entity: URIRef
    Equipment: URIRef
    ExportControl: URIRef
    ExternalMeasure: URIRef
    FinalProduct: URIRef
    Firm: URIRef
    FirmProvision: URIRef
    ForeignCountryOrRegion: URIRef
    ForeignOrganisation: URIRef
    GovernmentBody: URIRef
    IndustrialLaw: URIRef
    IndustryAssociation: URIRef
    IndustrySegment: URIRef
    IntegrationApproach: URIRef
    InterconnectTechnology: URIRef
    InterfaceStandard: URIRef
    ItemWithDomesticSupplier: URIRef
    ItemWithForeignSupplier: URIRef
    ItemWithoutDomesticSupplier: URIRef
    MarketFigure: URIRef
    Material: URIRef
    MaterialResource: URIRef
    Organisation: URIRef
    PackagingArchitecture: URIRef
    PackagingEquipment: URIRef
    PackagingPlatform: URIRef
    Policy: URIRef
    PolicyGroup: URIRef
    PolicyInstrument: URIRef
    ProcessEquipment: URIRef
    ProcessTechnology: URIRef
    ProductionProcess: URIRef
    Provision: URIRef
    ResearchInstitution: URIRef
    RestrictedItem: URIRef
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
    TechnologyAtRisk: URIRef
    ToolResource: URIRef
    UnaddressedDependency: URIRef
    Unit: URIRef
    # object properties
    achievedBreakthroughIn: URIRef
    addressedBy: URIRef
    addresses: URIRef
    aimsAt: URIRef
    appliedBy: URIRef
    appliedIn: URIRef
    appliesTechnology: URIRef
    basedIn: URIRef
    causedBy: URIRef
    comparedWith: URIRef
    competesIn: URIRef
    concerns: URIRef
    counters: URIRef
    coveredBy: URIRef
    covers: URIRef
    dependencyOf: URIRef
    dependsOn: URIRef
    developedBy: URIRef
    develops: URIRef
    goalOf: URIRef
    goesInto: URIRef
    hasAdvantage: URIRef
    hasGoal: URIRef
    hasInstrument: URIRef
    hasPartner: URIRef
    hasPart: URIRef
    hasPhase: URIRef
    implementedBy: URIRef
    imposedBy: URIRef
    imposedByGroup: URIRef
    inDomain: URIRef
    inRegion: URIRef
    informs: URIRef
    inStage: URIRef
    involvesActor: URIRef
    isTypeOf: URIRef
    lagsBehind: URIRef
    leadsIn: URIRef
    leadsTo: URIRef
    ledBy: URIRef
    memberOf: URIRef
    ofSegment: URIRef
    partOf: URIRef
    overcomes: URIRef
    precedes: URIRef
    promotes: URIRef
    providedItem: URIRef
    provider: URIRef
    realises: URIRef
    restrictedBy: URIRef
    restricts: URIRef
    resultsFrom: URIRef
    setBy: URIRef
    suppliedBy: URIRef
    suppliedFrom: URIRef
    supplies: URIRef
    targets: URIRef
    unit: URIRef
    usesTechnology: URIRef
    # datatype properties
    etoId: URIRef
    horizonMaxYears: URIRef
    horizonMinYears: URIRef
    isoAlpha3: URIRef
    marketSize: URIRef
    sectionOrder: URIRef
    sharePercent: URIRef
    sourceText: URIRef
    year: URIRef
    # annotation properties
    carriesArgument: URIRef
    closedWorld: URIRef
    evidence: URIRef
    memberType: URIRef
    sectionNumber: URIRef
    sourceFile: URIRef
    # policies and measures in force (issue 14; ontology section "Policies and measures in force")
    AggregatorSource: URIRef
    AnalysisSource: URIRef
    CompanySource: URIRef
    DomesticExportControl: URIRef
    EnactedPolicy: URIRef
    GovernmentSource: URIRef
    PolicyInForce: URIRef
    PressSource: URIRef
    ProposedPolicy: URIRef
    PublicSource: URIRef
    ReferenceSource: URIRef
    amount: URIRef
    controlsExportOf: URIRef
    controlsExportTo: URIRef
    currency: URIRef
    dateAnnounced: URIRef
    dateInForce: URIRef
    issuedBy: URIRef
    jurisdiction: URIRef


PREFIXES: dict[str, Namespace] = {
    "ckg": Namespace(str(CKG._NS)),
    "ckgd": CKGD,
    "eto": ETO,
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
