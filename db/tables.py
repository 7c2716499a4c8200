"""The tables a collection pass reads and writes through SQLAlchemy Core.

A warm pass (every feed answering 304) touches only the sources and the mark
of the last catalogue synced. Declared here as Core tables, they let that
pass run without importing the ORM and the models, a tenth of a second of
every pass's start-up. The models map onto these same tables
(``__table__``), so each is defined once.
"""

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from db.types import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SOURCE_KINDS = ("feed", "page")

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def one_of(column: str, values: tuple[str, ...]) -> CheckConstraint:
    """A check that ``column`` holds one of ``values`` (a later migration can add one)."""
    allowed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_allowed")


def _text(name: str) -> Column[str]:
    return Column(name, Text, nullable=True)


def _moment(name: str) -> Column[UTCDateTime]:
    return Column(name, UTCDateTime(), nullable=True)


# A feed or a watched page, with its fetch and schedule state.
sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(10), nullable=False),
    Column("name", String(200), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("catalogue_url", Text, nullable=False),
    _text("site_url"),
    _text("title"),
    Column("category", String(200), nullable=True),
    Column("language", String(10), nullable=True),
    Column("interval_seconds", Integer, nullable=False),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("in_catalogue", Boolean, nullable=False, default=True),
    Column("disabled_by", String(20), nullable=True),
    _text("disabled_reason"),
    Column("fulltext", Boolean, nullable=False, default=False),
    Column("hints", JSON, nullable=False, default=list),
    Column("authority", String(200), nullable=True),
    _text("selector"),
    Column("ignore_patterns", JSON, nullable=False, default=list),
    _text("etag"),
    _text("last_modified"),
    Column("hint_seconds", Integer, nullable=True),
    _moment("last_fetched_at"),
    _moment("last_success_at"),
    _moment("last_failure_at"),
    _text("last_error"),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("selector_misses", Integer, nullable=False, default=0),
    Column("next_due_at", UTCDateTime(), nullable=True, index=True),
    Column("lease_owner", String(100), nullable=True),
    _moment("lease_expires_at"),
    _moment("retry_after_until"),
    _text("last_warning"),
    # A feed address that started answering an HTML page: the one feed that
    # page leads to on the same site, adopted only by an administrator.
    _text("suggested_url"),
    Column("created_at", UTCDateTime(), nullable=False, default=utcnow),
    Column("updated_at", UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow),
    one_of("kind", SOURCE_KINDS),
)

# The digest of the catalogue last copied into ``sources``: one row. A pass
# syncs the catalogue only when its digest differs, so an unchanged
# ``sources.toml`` costs one read instead of a comparison of every source.
catalogue_syncs = Table(
    "catalogue_syncs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("synced_at", UTCDateTime(), nullable=False, default=utcnow),
)
