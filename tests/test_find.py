"""Finding entities by what people type (ChipletKG.find, chiplet_kg.lookup): codes, ids, IRIs, labels, close matches.

The shipped graph through the ``kg`` fixture; ETO ids through the made-up fixture tests/data/eto/shares.
"""

from __future__ import annotations

import json
import time

import pytest
from rdflib import URIRef

from chiplet_kg import CKGD, ChipletKG
from chiplet_kg.errors import UsageError
from chiplet_kg.eto import import_eto
from chiplet_kg.namespace import ETO

from .conftest import DATA

SHARES = DATA / "eto" / "shares"


@pytest.fixture(scope="module")
def with_eto(tmp_path_factory, kg):
    """The shipped graph plus the made-up ETO fixture, imported into a temporary file."""
    out = tmp_path_factory.mktemp("find-eto") / "eto-shares.ttl"
    import_eto(SHARES, out, kg=kg)
    return ChipletKG(data=(out,), reason=False)


def miss(kg, text: str, **kw) -> str:
    with pytest.raises(UsageError) as err:
        kg.find(text, **kw)
    return str(err.value)


# ---------------------------------------------------------------- codes and ids


@pytest.mark.parametrize("text, name", [
    ("NLD", "Netherlands"), ("nl", "Netherlands"), ("NL", "Netherlands"), ("USA", "USA"), ("us", "USA"),
    ("CHN", "China"), ("chn", "China"), (" JPN ", "Japan"),
])
def test_iso_3166_codes_name_the_country(kg, text, name):
    """ISO 3166 alpha-3 (ckg:isoAlpha3) and alpha-2 (pycountry) codes, in any case, resolve to the country."""
    assert kg.find(text) == CKGD[name]


def test_a_label_comes_before_a_code(kg):
    """'Arm' is the firm, not Armenia (ARM); 'AMD' the firm."""
    assert kg.find("Arm") == CKGD.Arm and kg.find("AMD") == CKGD.AMD


def test_a_code_of_a_country_the_graph_lacks_says_so(kg):
    """FRA names France, which the shipped graph does not hold: the message says that instead of guessing."""
    message = miss(kg, "FRA")
    assert "ISO 3166 code of France" in message and "did you mean" not in message


@pytest.mark.parametrize("text, local", [("P45", "P45"), ("n20", "N20"), ("S1", "S1"), ("eto:P88", "P88"),
                                         ("P601", "P601")])
def test_eto_ids_name_the_imported_entity(with_eto, text, local):
    """An ETO id (ckg:etoId), bare or as eto:…, resolves to the imported entity."""
    assert with_eto.find(text) == ETO[local]


def test_eto_id_before_an_import_names_our_linked_entity(kg):
    """Without an import, P45 and eto:P45 resolve to the entity graph_data/eto_links.ttl links to (skos:exactMatch)."""
    assert kg.find("P45") == kg.find("eto:P45") == CKGD.Netherlands
    assert kg.find("N20") == CKGD.EUVLithography


def test_an_unknown_eto_id_says_to_import(kg):
    message = miss(kg, "N99999")
    assert "ETO id" in message and "chiplet-kg import eto" in message


def test_a_code_shared_with_an_imported_country_names_ours(with_eto):
    """NLD is on ckgd:Netherlands and on the imported eto:P45, which are the same (skos:exactMatch): ours wins."""
    assert with_eto.find("NLD") == with_eto.find("nl") == CKGD.Netherlands
    assert with_eto.find("P45") == ETO.P45


# ---------------------------------------------------------------- IRIs, prefixed names, labels


@pytest.mark.parametrize("text", [
    "ckgd:JCET", "CKGD:JCET", "https://w3id.org/chiplet-kg/data/JCET", "<https://w3id.org/chiplet-kg/data/JCET>",
    " <https://w3id.org/chiplet-kg/data/JCET> ", "长电科技", "JCET Group", "jcet group", "JCETGroup",
])
def test_iris_prefixed_names_and_labels(kg, text):
    assert kg.find(text) == CKGD.JCET


@pytest.mark.parametrize("text", ["光刻胶", "photoresist", "Photoresist", " photo resist "])
def test_photoresist_in_either_language(kg, text):
    assert kg.find(text) == CKGD.Photoresist


@pytest.mark.parametrize("text", ["EUV lithography equipment", "EUVlithographyequipment", "euv  LITHOGRAPHY equipment",
                                  "ＥＵＶ lithography equipment"])
def test_labels_without_spaces_or_case_or_full_width(kg, text):
    assert kg.find(text) == CKGD.EUVLithography


def test_ontology_terms_by_prefixed_name(kg):
    from chiplet_kg.namespace import CKG

    assert kg.find("ckg:Firm") == URIRef(CKG.Firm) and kg.find("ckg:ledBy") == URIRef(CKG.ledBy)


@pytest.mark.parametrize("text, name", [("AMAT", "AppliedMaterials"), ("taiwan", "TaiwanRegion"),
                                        ("EUV光刻机", "EUVLithography"), ("卡脖子", "BottleneckExportRestrictions"),
                                        ("Big Fund II", "BigFundPhase2")])
def test_skos_altlabel(kg, text, name):
    """A skos:altLabel finds its entity as a label does."""
    assert kg.find(text) == CKGD[name]


def test_an_entity_comes_before_an_ontology_term_of_the_same_label(kg):
    """'行业协会' labels the class ckg:IndustryAssociation and the group ckgd:IndustryAssociations: find asks for an
    entity and gets the group; without entities_first both are listed."""
    assert kg.find("行业协会") == CKGD.IndustryAssociations
    message = miss(kg, "行业协会", entities_first=False)
    assert "names several entities" in message and "(ckg:IndustryAssociation)" in message
    assert "ckgd:IndustryAssociations" in message


def test_a_label_with_a_colon_is_no_prefixed_name(kg):
    """'TECHCET: …' is a label (of a source), not the prefix 'TECHCET'."""
    node = kg.find("TECHCET: Photoresists revenues to be up 11% to US$1.9B")
    assert str(node).startswith("https://techcet.com/")


def test_an_ambiguous_label_lists_the_candidates():
    """Two entities with one label: the message lists both, with label and prefixed name."""
    from rdflib import Literal
    from rdflib.namespace import RDF, RDFS

    from chiplet_kg.namespace import CKG

    kg = ChipletKG(reason=False)
    kg.add_triples([(CKGD.TwinA, RDF.type, CKG.Firm), (CKGD.TwinA, RDFS.label, Literal("Twin Works", lang="en")),
                    (CKGD.TwinB, RDF.type, CKG.Firm), (CKGD.TwinB, RDFS.label, Literal("twin works", lang="en"))])
    message = miss(kg, "Twin Works")
    assert "names several entities" in message and "ckgd:TwinA" in message and "ckgd:TwinB" in message


# ---------------------------------------------------------------- close matches


def test_a_typo_ranks_the_closest_label_first_and_no_property(kg):
    """'photoresits' suggests photoresist first, with both labels and its prefixed name, and no property."""
    message = miss(kg, "photoresits")
    assert "did you mean: photoresist / 光刻胶 (ckgd:Photoresist)" in message
    matches = kg.close_matches("photoresits")
    assert matches[0].node == CKGD.Photoresist
    from chiplet_kg.lookup import PROPERTY

    assert all(m.tier != PROPERTY for m in matches)
    assert "led by" not in message and "ckg:" not in message


def test_close_matches_rank_by_similarity(kg):
    """A longer typo still finds its entity first; scores fall from first to last."""
    matches = kg.close_matches("EUV lithografy equipment")
    assert matches[0].node == CKGD.EUVLithography
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


@pytest.mark.parametrize("text", ["ckgd:Photoresits", "https://w3id.org/chiplet-kg/data/Photoresits",
                                  "<https://w3id.org/chiplet-kg/data/photoresits>"])
def test_a_misspelt_iri_or_prefixed_name_suggests_by_its_local_name(kg, text):
    message = miss(kg, text)
    assert f"no entity named '{text.strip('<>')}'" in message and "(ckgd:Photoresist)" in message


def test_chinese_prefix_suggests_the_entity(kg):
    assert "长电科技" in miss(kg, "长电科")


@pytest.mark.parametrize("text", ["xyzzy plugh", "qqqq", "asdfgh", "zzz"])
def test_nonsense_gives_no_misleading_suggestion(kg, text):
    """Nothing like the text: no 'did you mean', only how to name an entity."""
    message = miss(kg, text)
    assert "did you mean" not in message and "ISO 3166" in message and "ckgd:JCET" in message


def test_nld_typo_does_not_suggest_unrelated_names(kg):
    """Regression: 'NLD' used to fail and suggest NEDO, 'led by' and Intel; a near miss like 'NLX' suggests none."""
    assert kg.find("NLD") == CKGD.Netherlands
    message = miss(kg, "NLX")
    assert "NEDO" not in message and "led by" not in message and "Intel" not in message


def test_same_entities_are_suggested_once_as_ours(with_eto):
    """With the ETO fixture, a typo for photoresist suggests ckgd:Photoresist once, noting eto:N31 is the same."""
    first = with_eto.close_matches("photoresits")[0]
    assert first.node == CKGD.Photoresist and ETO.N31 in first.same


# ---------------------------------------------------------------- the index is cached


def test_the_index_is_built_once_per_version_of_the_store():
    """Look-ups reuse one index; adding triples makes a new one that sees them."""
    from rdflib import Literal
    from rdflib.namespace import RDF, RDFS

    from chiplet_kg.namespace import CKG

    kg = ChipletKG(reason=False)
    kg.find("NLD")
    first = kg._lookup()
    start = time.perf_counter()
    for _ in range(200):
        kg.find("光刻胶")
    assert kg._lookup() is first and time.perf_counter() - start < 1.0
    kg.add_triples([(CKGD.Newco, RDF.type, CKG.Firm), (CKGD.Newco, RDFS.label, Literal("Newco Widgets", lang="en"))])
    assert kg._lookup() is not first and kg.find("newco widgets") == CKGD.Newco


# ---------------------------------------------------------------- the command line


def test_cli_whatif_remove_nld(cli):
    """Regression (issue 17): `chiplet-kg analyze whatif --remove NLD` works and removes the Netherlands."""
    result = cli.invoke(["analyze", "whatif", "--remove", "NLD", "--format", "json", "--no-reason"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["results"]["bindings"]
    assert any(r.get("id", {}).get("value") == "ckgd:Netherlands" for r in rows)


def test_cli_unknown_name_lists_close_matches(cli):
    result = cli.invoke(["analyze", "whatif", "--remove", "photoresits", "--no-reason"])
    assert result.exit_code == 2 and "ckgd:Photoresist" in result.output and "Traceback" not in result.output
