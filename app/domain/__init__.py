"""The design domain: models, catalog, edit operations and the graph view. No Qt here."""

from app.domain.catalog import Catalog, KindSpec, PropertySpec, Stage, default_catalog
from app.domain.errors import DesignError
from app.domain.graph import GraphMirror, design_to_graph
from app.domain.model import Component, Decision, Design, Link, Meta, Position

__all__ = [
    "Catalog",
    "Component",
    "Decision",
    "Design",
    "DesignError",
    "GraphMirror",
    "KindSpec",
    "Link",
    "Meta",
    "Position",
    "PropertySpec",
    "Stage",
    "default_catalog",
    "design_to_graph",
]
