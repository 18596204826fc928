"""chiplet-kg: an open knowledge graph of the chiplet industry and China's semiconductor supply chain."""

from __future__ import annotations

__version__ = "0.1.0"

from .defaults import REASON_DEFAULT  # noqa: E402
from .errors import ChipletKGError, InputError, UsageError, ValidationFailed  # noqa: E402


def __getattr__(name: str):
    """``ChipletKG``, ``CKG`` and ``CKGD`` are imported when first asked for (PEP 562), so that a command that
    needs no graph (``chiplet-kg queries``) starts without loading rdflib."""
    if name == "ChipletKG":
        from .kg import ChipletKG

        return ChipletKG
    if name in ("CKG", "CKGD"):
        from . import namespace

        return getattr(namespace, name)
    raise AttributeError(f"module 'chiplet_kg' has no attribute {name!r}")


def validate(kg: "ChipletKG", **kwargs):
    """Validate a graph (see :func:`chiplet_kg.validation.validate`)."""
    from .validation import validate as _validate

    return _validate(kg, **kwargs)


def build(kg: "ChipletKG", out="build", **kwargs):
    """Validate and write the outputs (see :func:`chiplet_kg.pipeline.build`)."""
    from .pipeline import build as _build

    return _build(kg, out, **kwargs)


__all__ = ["ChipletKG", "CKG", "CKGD", "REASON_DEFAULT", "ChipletKGError", "InputError", "UsageError", "ValidationFailed",
           "build", "validate", "__version__"]
