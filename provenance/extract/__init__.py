"""Extraction engine: bytes of an uploaded file in, article documents (or clear refusals) out.

Plain Python, no Django. Entry points: read_file(data, name, limits=, finder=) and
resolve_metadata(document, analyst=, manifest=, finder=).
"""

from provenance.extract.decode import normalise_for_hash
from provenance.extract.metadata import parse_given_date, resolve_metadata
from provenance.extract.names import NameFinder
from provenance.extract.read import read_file
from provenance.extract.types import Document, ExtractError, Given, Limits, Sourced

__all__ = [
    "Document", "ExtractError", "Given", "Limits", "NameFinder", "Sourced", "normalise_for_hash",
    "parse_given_date", "read_file", "resolve_metadata",
]
