"""Exceptions of the classement package.

Every error raised on purpose by this package derives from ClassementError,
so callers (the CLI, the pipeline) can catch one class and show the message::

    ClassementError
     ├── TaxonomyError          the taxonomy file is invalid
     ├── UnknownLabel           a label id is not in the taxonomy (also ValueError)
     ├── RecordError            a JSONL line is invalid; names the file and line (also ValueError)
     ├── TrainingError          not enough data to train
     └── ModelError             a model file cannot be used
          ├── ModelNotFound     no model at the given place (also FileNotFoundError)
          └── ModelCorrupted    the file exists but is unreadable or inconsistent
"""

from __future__ import annotations


class ClassementError(Exception):
    """Root of the package's errors; the message is meant for a human."""


class TaxonomyError(ClassementError):
    """The taxonomy file is missing a field or holds a duplicate id."""


class UnknownLabel(ClassementError, ValueError):
    """A label id that the taxonomy does not define."""


class RecordError(ClassementError, ValueError):
    """A JSONL record that cannot be read; the message names its line."""


class TrainingError(ClassementError):
    """The training data cannot produce a model (too few examples…)."""


class ModelError(ClassementError):
    """A model file that cannot be used."""


class ModelNotFound(ModelError, FileNotFoundError):
    """No model file where one was expected."""


class ModelCorrupted(ModelError):
    """A model file that is truncated, altered or of an unknown format."""
