"""Design files: staged loading, atomic saving, migrations. No Qt here."""

from app.persistence.errors import DesignLoadError, DesignSaveError
from app.persistence.loader import LoadedDesign, load_design, load_design_bytes
from app.persistence.saver import design_to_bytes, save_design, write_design

__all__ = [
    "DesignLoadError",
    "DesignSaveError",
    "LoadedDesign",
    "design_to_bytes",
    "load_design",
    "load_design_bytes",
    "save_design",
    "write_design",
]
