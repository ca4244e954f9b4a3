"""MLSD Studio: a design canvas for machine learning system design."""

__version__ = "0.1.0"
APP_NAME = "MLSD Studio"
