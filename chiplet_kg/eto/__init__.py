"""Import the ETO Chip Explorer dataset (CSET's advanced semiconductor supply chain CSVs) into the ontology.

The dataset is licensed CC BY-NC 4.0, so the project ships this importer and the links in
``graph_data/eto_links.ttl``, never the data: the user points :func:`import_eto` at their own copy
and merges the file it writes with ``--data``. :mod:`.read` reads and checks the CSV files, :mod:`.rdf`
writes them as RDF, :mod:`.names` holds the Chinese names.
"""

from __future__ import annotations

from .rdf import ATTRIBUTION, DATASET, LICENSE, ImportResult, eto_graph, import_eto, provision_iri
from .read import (COLUMNS, ITEM_CLASSES, EtoDataset, EtoSource, Input, Location, Provider, ProvisionRow,
                   SequenceRow, Stage, read_eto)

__all__ = [
    "COLUMNS", "ITEM_CLASSES", "DATASET", "LICENSE", "ATTRIBUTION",
    "Location", "Stage", "Input", "Provider", "ProvisionRow", "SequenceRow", "EtoSource", "EtoDataset", "ImportResult",
    "read_eto", "eto_graph", "import_eto", "provision_iri",
]
