"""Errors raised by the storage layer.

DbError
├── NotFoundError
├── AlreadyExistsError
└── SchemaError          (database newer than the code, failed migration)
"""


class DbError(Exception):
    """Root of every storage error."""


class NotFoundError(DbError, LookupError):
    """The requested row does not exist."""


class AlreadyExistsError(DbError):
    """A row with the same unique key already exists."""


class SchemaError(DbError):
    """The database schema cannot be used by this version of the code."""
