"""Typed SQLAlchemy models for the whole product.

Times are aware UTC datetimes (see ``UTCDateTime``). Lists of label ids and
other small structures are JSON columns, portable between SQLite and
PostgreSQL. Enumerations are plain strings checked by constraints so that a
later migration can add a value without rewriting a type.
"""

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from db import tables
from db.tables import one_of
from db.types import UTCDateTime, utcnow

ARTICLE_KINDS = ("article", "regulation_update")
ARTICLE_STATUSES = ("new", "selected", "rejected", "archived")
LABEL_KINDS = ("theme", "job")
LABEL_ORIGINS = ("model", "curator")
EDITION_STATUSES = ("draft", "published", "sent")
SUBSCRIBER_STATUSES = ("pending", "active", "unsubscribed", "bounced")
DELIVERY_STATUSES = ("pending", "sending", "sent", "failed", "bounced")
SEND_STATUSES = ("scheduled", "running", "done", "failed")
USER_ROLES = ("admin", "curator")
DISABLED_BY = ("catalogue", "admin", "gone")
OBLIGATION_STATUSES = ("active", "superseded", "hidden")
OBLIGATION_ORIGINS = ("extracted", "curator")


class Base(DeclarativeBase):
    metadata = tables.metadata
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class Source(Base):
    """A feed or a watched page, with its fetch and schedule state (``tables.sources``)."""

    __table__ = tables.sources

    id: Mapped[int]
    kind: Mapped[str]
    name: Mapped[str]
    url: Mapped[str]
    catalogue_url: Mapped[str]
    site_url: Mapped[str | None]
    title: Mapped[str | None]
    category: Mapped[str | None]
    language: Mapped[str | None]
    interval_seconds: Mapped[int]
    enabled: Mapped[bool]
    in_catalogue: Mapped[bool]
    disabled_by: Mapped[str | None]
    disabled_reason: Mapped[str | None]
    fulltext: Mapped[bool]
    hints: Mapped[list[str]]
    authority: Mapped[str | None]
    selector: Mapped[str | None]
    ignore_patterns: Mapped[list[str]]
    etag: Mapped[str | None]
    last_modified: Mapped[str | None]
    hint_seconds: Mapped[int | None]
    last_fetched_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_failure_at: Mapped[datetime | None]
    last_error: Mapped[str | None]
    consecutive_failures: Mapped[int]
    selector_misses: Mapped[int]
    next_due_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None]
    lease_expires_at: Mapped[datetime | None]
    retry_after_until: Mapped[datetime | None]
    last_warning: Mapped[str | None]
    suggested_url: Mapped[str | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    articles: Mapped[list["Article"]] = relationship(back_populates="source")


class Article(Base):
    """A collected item: a feed entry or a regulation page update."""

    __tablename__ = "articles"
    __table_args__ = (
        one_of("kind", ARTICLE_KINDS),
        one_of("status", ARTICLE_STATUSES),
        UniqueConstraint("source_id", "guid", name="uq_articles_source_guid"),
        Index("ix_articles_collected_at", "collected_at"),
        Index("ix_articles_published_at", "published_at"),
        # the inbox: non-duplicates of a week (see migration 0009)
        Index("ix_articles_inbox", "duplicate_of_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="article")
    canonical_url: Mapped[str | None] = mapped_column(Text, unique=True)
    url: Mapped[str | None] = mapped_column(Text)
    guid: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    summary_html: Mapped[str] = mapped_column(Text, default="")
    full_text: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(10))
    published_at: Mapped[datetime]
    published_estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    collected_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    relevance: Mapped[float | None] = mapped_column(Float)
    classified_at: Mapped[datetime | None]

    source: Mapped[Source] = relationship(back_populates="articles")
    duplicate_of: Mapped["Article | None"] = relationship(remote_side=[id])
    labels: Mapped[list["Label"]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )


class Label(Base):
    """A theme or job attached to an article, by the model or a curator."""

    __tablename__ = "labels"
    __table_args__ = (
        one_of("kind", LABEL_KINDS),
        one_of("origin", LABEL_ORIGINS),
        UniqueConstraint("article_id", "label", "origin", name="uq_labels_article_label_origin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(50), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    score: Mapped[float] = mapped_column(Float)
    origin: Mapped[str] = mapped_column(String(10))
    model_version: Mapped[str | None] = mapped_column(String(100))
    explanation: Mapped[list[str]] = mapped_column(default=list)
    # the model's probability was close to its threshold: a curator should check
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="labels")


class PageSnapshot(Base):
    """The normalised text of a watched page at one point in time."""

    __tablename__ = "page_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    raw_hash: Mapped[str] = mapped_column(String(64))
    text_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)


class PageChange(Base):
    """A detected change between two snapshots of a page."""

    __tablename__ = "page_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    old_snapshot_id: Mapped[int] = mapped_column(ForeignKey("page_snapshots.id"))
    new_snapshot_id: Mapped[int] = mapped_column(ForeignKey("page_snapshots.id"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"))
    detected_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    diff_unified: Mapped[str] = mapped_column(Text)
    diff_html: Mapped[str] = mapped_column(Text)
    added_words: Mapped[int] = mapped_column(Integer, default=0)
    removed_words: Mapped[int] = mapped_column(Integer, default=0)


class Obligation(Base):
    """A dated obligation stated by a watched page (or added by a curator).

    A moved date supersedes the row: the successor keeps its ``uid`` (one
    calendar event) with the next ``sequence``. ``curated`` rows (confirmed,
    edited, hidden or added by a curator) are never rewritten by extraction;
    ``match_key`` and ``extracted_on`` keep what extraction last saw.
    """

    __tablename__ = "obligations"
    __table_args__ = (
        one_of("status", OBLIGATION_STATUSES),
        one_of("origin", OBLIGATION_ORIGINS),
        Index("ix_obligations_due_on", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(100), index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    reference: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="active")
    origin: Mapped[str] = mapped_column(String(20), default="extracted")
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    curated: Mapped[bool] = mapped_column(Boolean, default=False)
    match_key: Mapped[str] = mapped_column(Text, default="")
    extracted_on: Mapped[date | None] = mapped_column(Date)
    previous_on: Mapped[date | None] = mapped_column(Date)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    themes: Mapped[list[str]] = mapped_column(default=list)
    snapshot_id: Mapped[int | None] = mapped_column(ForeignKey("page_snapshots.id"))
    change_id: Mapped[int | None] = mapped_column(ForeignKey("page_changes.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("obligations.id"))
    superseded_change_id: Mapped[int | None] = mapped_column(ForeignKey("page_changes.id"))
    moved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    source: Mapped[Source | None] = relationship()


class Edition(Base):
    """The newsletter of one ISO week."""

    __tablename__ = "editions"
    __table_args__ = (one_of("status", EDITION_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    editorial_md: Mapped[str] = mapped_column(Text, default="")
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]

    items: Mapped[list["EditionItem"]] = relationship(
        back_populates="edition",
        cascade="all, delete-orphan",
        order_by="(EditionItem.section, EditionItem.position)",
    )


class EditionItem(Base):
    """An article selected for an edition, with its place and comment."""

    __tablename__ = "edition_items"
    __table_args__ = (
        UniqueConstraint("edition_id", "article_id", name="uq_edition_items_edition_article"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    section: Mapped[str] = mapped_column(String(50))
    position: Mapped[int] = mapped_column(Integer, default=0)
    comment: Mapped[str] = mapped_column(Text, default="")

    edition: Mapped[Edition] = relationship(back_populates="items")
    article: Mapped[Article] = relationship()


class Subscriber(Base):
    """A newsletter recipient: an agent (whole edition) or a referent (themes, jobs)."""

    __tablename__ = "subscribers"
    __table_args__ = (one_of("status", SUBSCRIBER_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    direction: Mapped[str] = mapped_column(String(200), default="")
    themes: Mapped[list[str]] = mapped_column(default=list)
    jobs: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    bounce_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    confirmed_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]
    # Written into preference links; raising it revokes the links already sent.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Delivery(Base):
    """One edition sent (or to send) to one subscriber: the resumable log."""

    __tablename__ = "deliveries"
    __table_args__ = (
        one_of("status", DELIVERY_STATUSES),
        UniqueConstraint("edition_id", "subscriber_id", name="uq_deliveries_edition_subscriber"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id"), index=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_id: Mapped[str | None] = mapped_column(String(300))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None]


class EditionSend(Base):
    """The one send of an edition to its subscribers: asked for now or at a time, then
    claimed by the one process that runs it (a conditional UPDATE), then its report."""

    __tablename__ = "edition_sends"
    __table_args__ = (
        one_of("status", SEND_STATUSES),
        UniqueConstraint("edition_id", name="uq_edition_sends_edition"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="scheduled", index=True)
    due_at: Mapped[datetime]
    requested_by: Mapped[str] = mapped_column(String(320), default="")
    runner: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    edition: Mapped[Edition] = relationship()


class User(Base):
    """A member of the watch team: curator or administrator."""

    __tablename__ = "users"
    __table_args__ = (one_of("role", USER_ROLES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Written into each session cookie; raising it ends every session of the
    # account (sign-out, password change, account disabled).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class JobRun(Base):
    """One run of a scheduled job: its slot is claimed once, across every worker."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job_id", "slot", name="uq_job_runs_job_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(String(50), index=True)
    slot: Mapped[datetime]
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    owner: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    ok: Mapped[bool | None] = mapped_column(Boolean)
    outcome: Mapped[str] = mapped_column(Text, default="")
