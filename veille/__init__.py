"""Veille IA: an AI technology watch for French local authorities."""

__version__ = "0.1.0"
