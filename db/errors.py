"""Errors raised by the storage layer.

DbError
├── NotFoundError
├── AlreadyExistsError
├── LastAdminError       (the change would leave no active administrator)
├── SchemaError          (database newer than the code, failed migration)
└── DatabaseBusy         (SQLite: another process held the write lock past the busy timeout)
"""


class DbError(Exception):
    """Root of every storage error."""


class NotFoundError(DbError, LookupError):
    """The requested row does not exist."""


class AlreadyExistsError(DbError):
    """A row with the same unique key already exists."""


class LastAdminError(DbError, ValueError):
    """Disabling or demoting this account would leave no active administrator."""


class SchemaError(DbError):
    """The database schema cannot be used by this version of the code."""


class DatabaseBusy(DbError):
    """Another connection kept the database locked longer than the busy timeout."""

    def __init__(self) -> None:
        super().__init__(
            "base de données occupée : un autre processus y écrit depuis plus longtemps "
            "que le délai d'attente (verrou SQLite)"
        )
