"""One collection pass over the catalogue; errors are values, one outcome per source.

    sync the catalogue into the database
    for each selected, enabled source, concurrently (bounded by the Fetcher):
        skip it while the server's Retry-After runs, or when another process
            holds its lease
        fetch conditionally (ETag, Last-Modified)        → 304: record, done
        parse the feed / extract the page in a worker process (pure code)
        feed with fulltext: fetch and extract the new entries' pages
        decide and store in one transaction: known GUID or URL → update,
            URL or near-duplicate of another source → linked duplicate,
            else new; page: baseline, unchanged, or change + "Mise à jour"
        record success and the next due time; release the lease
    on SourceError: record the failure, back off (410 disables the source)
    return [CollectOutcome, …] in catalogue order

``collect_once`` is the synchronous entry point for the CLI and the scheduler.
"""

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any, TypeVar

from db.engine import connection_scope
from db.errors import AlreadyExistsError, DatabaseBusy
from db.repos import catalogue_mark, collection
from veille import leases
from veille.catalogue import SourceSpec
from veille.collect import schedule
from veille.collect.jobs import extract_main_text, extract_page, parse_feed, prepare_worker
from veille.durations import parse_duration
from veille.errors import ConfigError, FeedParseError, FeedTurnedHtml, SelectorNotFound, SourceError
from veille.fetch import PAGE_ACCEPT, Fetcher, FetchLimits, GoneError, RetryLater
from veille.fetch_limits import limits_from
from veille.persist import NOT_MODIFIED_BATCH, FeedBatch, NotModifiedState, Store
from veille.settings import Settings
from veille.types import Collected, CollectOutcome, Failed, Fetched, NotModified, Skipped

if TYPE_CHECKING:
    import httpx
    from sqlalchemy import Connection, Engine

    from db.repos.collection import FetchState

logger = logging.getLogger(__name__)
T = TypeVar("T")
Progress = Callable[[CollectOutcome], None]
MAX_RETRY_AFTER = timedelta(days=7)
FULLTEXT_CONCURRENCY = 4
FULLTEXT_MAX_ENTRIES = 50


def collect_once(
    settings: Settings,
    engine: "Engine",
    specs: Sequence[SourceSpec],
    *,
    only: Sequence[str] | None = None,
    now: datetime | None = None,
    on_progress: Progress | None = None,
    due_only: bool = False,
    workers: int | None = None,
    transport: "httpx.AsyncBaseTransport | None" = None,
) -> list[CollectOutcome]:
    """Collect every selected source once. Raises ConfigError for an unknown ``only`` name.

    ``due_only`` keeps the sources whose next check is due (the scheduler's
    case); ``workers`` is the number of parsing processes (default: the
    ``parse_workers`` setting; 0 parses in this process).
    """
    return asyncio.run(
        collect(
            settings, engine, specs, only=only, now=now, on_progress=on_progress,
            due_only=due_only, workers=workers, transport=transport,
        )
    )  # fmt: skip


async def collect(
    settings: Settings,
    engine: "Engine",
    specs: Sequence[SourceSpec],
    *,
    only: Sequence[str] | None = None,
    now: datetime | None = None,
    on_progress: Progress | None = None,
    due_only: bool = False,
    workers: int | None = None,
    transport: "httpx.AsyncBaseTransport | None" = None,
) -> list[CollectOutcome]:
    chosen = select_specs(specs, only)
    moment = now or datetime.now(UTC)
    worker_count = settings.parse_workers if workers is None else workers
    run = _Pass(settings, Store(engine), moment, on_progress, max(worker_count, 0))
    states = _prepare(engine, specs, chosen, run, due_only)
    if due_only:
        chosen = [spec for spec in chosen if spec.name in states]
    urls = [state.url for state in states.values()]
    async with Fetcher(run.limits(), transport=transport, urls=urls) as fetcher:
        run.fetcher = fetcher
        try:
            return list(
                await asyncio.gather(*(run.source(spec, states.get(spec.name)) for spec in chosen))
            )
        finally:
            run.close()


def select_specs(specs: Sequence[SourceSpec], only: Sequence[str] | None) -> list[SourceSpec]:
    """The sources named by ``--only`` (case-insensitive), or all of them."""
    if not only:
        return list(specs)
    by_name = {spec.name.casefold(): spec for spec in specs}
    unknown = [name for name in only if name.casefold() not in by_name]
    if unknown:
        names = ", ".join(f"« {name} »" for name in unknown)
        raise ConfigError(f"--only : source inconnue du catalogue : {names}")
    wanted = {name.casefold() for name in only}
    return [spec for spec in specs if spec.name.casefold() in wanted]


def _prepare(
    engine: "Engine",
    specs: Sequence[SourceSpec],
    chosen: list[SourceSpec],
    run: "_Pass",
    due_only: bool,
) -> dict[str, "FetchState"]:
    """Sync the catalogue, read the sources' state, take their leases: one transaction.

    Two passes starting together on a new database both add the same sources:
    the second one's insert fails, and it starts over, finding them added.
    """
    from sqlalchemy.exc import IntegrityError

    try:
        return _prepare_once(engine, specs, chosen, run, due_only)
    except IntegrityError:
        return _prepare_once(engine, specs, chosen, run, due_only)


def _prepare_once(
    engine: "Engine",
    specs: Sequence[SourceSpec],
    chosen: list[SourceSpec],
    run: "_Pass",
    due_only: bool,
) -> dict[str, "FetchState"]:
    with connection_scope(engine) as connection:
        catalogue_mark.sync_if_changed(connection, [spec.to_fields() for spec in specs])
        states = collection.fetch_states(connection, [spec.name for spec in chosen])
        if due_only:
            due = set(collection.due_names(connection, run.now))
            states = {name: state for name, state in states.items() if name in due}
        wanted = [state.id for state in states.values() if not run.waiting(state)]
        _take_over_dead_leases(connection, wanted, run)
        run.claimed = collection.claim_all(connection, wanted, run.owner, run.now, run.lease_until)
        return states


def _take_over_dead_leases(connection: "Connection", source_ids: list[int], run: "_Pass") -> None:
    """Free the leases whose holder (a killed pass on this host) no longer runs."""
    holders = collection.lease_holders(connection, source_ids, run.owner, run.now)
    dead = [holder for holder in holders if leases.holder_gone(holder)]
    if dead:
        freed = collection.release_owners(connection, dead)
        logger.warning("%d source(s) reprise(s) à un processus arrêté (%s)", freed, ", ".join(dead))


@dataclass
class _Pass:
    settings: Settings
    store: Store
    now: datetime
    on_progress: Progress | None
    worker_count: int
    fetcher: Fetcher = field(init=False)
    owner: str = field(default_factory=leases.lease_owner)
    _db: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1))
    _workers: Executor | None = None
    inflight: asyncio.Semaphore = field(init=False)
    claimed: set[int] = field(default_factory=set)
    _pending: list[NotModifiedState] = field(default_factory=list)
    # Set when a write found the database locked past its busy timeout.
    database_busy: bool = False

    def __post_init__(self) -> None:
        # Bodies and parsed entries wait for the workers and the database
        # thread: bound how many sources are between fetch and storage.
        self.inflight = asyncio.Semaphore(2 * self.settings.max_concurrency)

    def waiting(self, state: "FetchState") -> bool:
        """True while the server's Retry-After for this source runs."""
        return state.retry_after_until is not None and state.retry_after_until > self.now

    def limits(self) -> FetchLimits:
        return limits_from(self.settings)

    @property
    def lease_until(self) -> datetime:
        return self.now + max(timedelta(minutes=10), timedelta(seconds=self.limits().timeout * 6))

    @property
    def backoff_cap(self) -> timedelta:
        return parse_duration(self.settings.backoff_cap)

    async def db(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a storage call in the pass's single database thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, partial(self._store, function, *args, **kwargs))

    def _store(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """In the database thread: after one write found the database locked past the
        busy timeout, the next ones fail at once instead of each waiting as long."""
        if self.database_busy:
            raise DatabaseBusy()
        try:
            return function(*args, **kwargs)
        except DatabaseBusy:
            self.database_busy = True
            raise

    async def cpu(self, function: Callable[..., T], *args: Any) -> T:
        """Run pure parsing code in a worker process (or inline without workers).

        Should the worker processes die (killed, out of memory), parsing goes
        on in this process rather than failing every remaining source.
        """
        if self.worker_count == 0:
            return function(*args)
        if self._workers is None:
            # Fresh interpreters that import only the parsers: forking this
            # process would copy its threads and database connections, and a
            # fork server would be one more process to keep in memory.
            self._workers = ProcessPoolExecutor(
                self.worker_count, mp_context=get_context("spawn"), initializer=prepare_worker
            )
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._workers, function, *args)
        except BrokenProcessPool:
            logger.warning("processus d'analyse arrêtés : analyse poursuivie dans ce processus")
            self.worker_count = 0
            return function(*args)

    def close(self) -> None:
        """Write the last 304s and give back every lease, even after an interruption.

        When the database stays locked, the leases are left: the next pass on this
        host takes them over, this one having ended.
        """
        try:
            last = self._db.submit(
                self._store, self.store.save_not_modified, self._pending, self.owner
            )
            last.result()
        except DatabaseBusy as error:
            logger.warning("fin de collecte non enregistrée : %s", error)
        finally:
            leases.pass_ended(self.owner)
        self._db.shutdown(wait=True)
        if self._workers is not None:
            self._workers.shutdown(wait=True)

    async def source(self, spec: SourceSpec, state: "FetchState | None") -> CollectOutcome:
        started = time.perf_counter()
        value = await self._guarded(spec, state)
        outcome = CollectOutcome(spec.name, spec.kind, value, time.perf_counter() - started)
        if self.on_progress is not None:
            self.on_progress(outcome)
        return outcome

    async def _guarded(
        self, spec: SourceSpec, state: "FetchState | None"
    ) -> Collected | NotModified | Skipped | Failed:
        if state is None:
            return Skipped("source désactivée")
        if self.waiting(state):
            when = state.retry_after_until.strftime("%d/%m %H:%M UTC")  # type: ignore[union-attr]
            return Skipped(f"le serveur a demandé d'attendre jusqu'au {when} (Retry-After)")
        if state.id not in self.claimed:
            return Skipped("collectée en ce moment par un autre processus")
        try:
            if self.database_busy:
                raise DatabaseBusy()
            if spec.kind == "feed":
                return await self._feed(spec, state)
            return await self._page(spec, state)
        except DatabaseBusy as error:  # nothing of it stored; the failure cannot be either
            return Failed(f"{error} ; rien d'enregistré, reprise au prochain passage", "busy")
        except SourceError as error:
            return await self._fail(spec, state, error)
        except Exception as error:  # one source's bug must not stop the others
            return await self._fail(spec, state, SourceError(f"erreur interne : {error!r}"))

    async def _fail(self, spec: SourceSpec, state: "FetchState", error: SourceError) -> Failed:
        retry = error.retry_after if isinstance(error, RetryLater) else None
        wait = min(timedelta(seconds=retry), MAX_RETRY_AFTER) if retry is not None else None
        next_due = schedule.after_failure(
            self.now, state.consecutive_failures + 1, spec.interval_seconds, self.backoff_cap,
            int(wait.total_seconds()) if wait else None,
        )  # fmt: skip
        try:
            await self.db(
                self.store.save_failure, state.id, self.owner, self.now, next_due,
                error=str(error), retry_after_until=self.now + wait if wait else None,
                gone=isinstance(error, GoneError),
                selector_miss=isinstance(error, SelectorNotFound),
                suggested_url=error.suggested_url if isinstance(error, FeedTurnedHtml) else None,
            )  # fmt: skip
        except Exception as storage_error:  # the database itself failed: still report
            return Failed(f"{error} (état non enregistré : {storage_error})", "internal")
        return Failed(str(error), _failure_kind(error))

    async def _feed(self, spec: SourceSpec, state: "FetchState") -> Collected | NotModified:
        async with self.inflight:
            response = await self.fetcher.fetch(
                state.url, etag=state.etag, last_modified=state.last_modified
            )
            if isinstance(response, Fetched):
                try:
                    return await self._parse_and_store(spec, state, response)
                except FeedParseError as error:
                    moved = await self._moved(state, response, error)
                    if moved is None:
                        raise
                    raise moved from error
        return await self._not_modified(spec, state, response)

    async def _moved(
        self, state: "FetchState", response: Fetched, error: FeedParseError
    ) -> FeedTurnedHtml | None:
        """When the feed turned into a web page, where it went (suggested, not adopted)."""
        # Rare: the discovery code (lxml, the feed parser) is not imported otherwise.
        from veille.discovery import looks_like_html, moved_feed

        if not looks_like_html(response):
            return None
        return await moved_feed(self.fetcher, state.url, response, str(error), self.now)

    async def _parse_and_store(
        self, spec: SourceSpec, state: "FetchState", response: Fetched
    ) -> Collected:
        parsed = await self.cpu(
            parse_feed, response.final_url, response.body, response.content_type,
            spec.language, self.now,
        )  # fmt: skip
        hint = max(parsed.ttl_seconds or 0, response.max_age_seconds or 0) or None
        fields: dict[str, Any] = {
            **_validators(response), "hint_seconds": hint, "title": parsed.title,
            "site_url": parsed.site_url, "last_warning": parsed.warning, "suggested_url": None,
        }  # fmt: skip
        batch = FeedBatch(
            source_id=state.id, owner=self.owner, now=self.now, entries=parsed.entries,
            next_due_at=schedule.after_success(spec.name, self.now, spec.interval_seconds, hint),
            state=fields,
            full_texts=await self._full_texts(state, parsed.entries) if spec.fulltext else {},
        )  # fmt: skip
        try:
            return await self.db(self.store.save_feed, batch)
        except AlreadyExistsError:  # another process stored the same URL meanwhile
            return await self.db(self.store.save_feed, batch)

    async def _not_modified(
        self, spec: SourceSpec, state: "FetchState", response: NotModified
    ) -> NotModified:
        next_due = schedule.after_success(
            spec.name, self.now, spec.interval_seconds, response.max_age_seconds
        )
        self._pending.append(
            (state.id, self.owner, self.now, next_due, response.etag, response.last_modified)
        )
        if len(self._pending) >= NOT_MODIFIED_BATCH:
            batch, self._pending = self._pending, []
            self._db.submit(self._store, self.store.save_not_modified, batch).add_done_callback(
                _log_error
            )
        return response

    async def _full_texts(self, state: "FetchState", entries: Sequence[Any]) -> dict[str, str]:
        known = await self.db(self.store.known_guids, state.id, [e.guid for e in entries])
        todo = [e for e in entries if e.guid not in known and e.url][:FULLTEXT_MAX_ENTRIES]
        limit = asyncio.Semaphore(FULLTEXT_CONCURRENCY)

        async def one(url: str) -> str | None:
            async with limit:
                try:
                    page = await self.fetcher.fetch(url, accept=PAGE_ACCEPT)
                except SourceError:
                    return None  # the summary stays
                if not isinstance(page, Fetched):
                    return None
                return await self.cpu(extract_main_text, page.body, page.final_url)

        texts = await asyncio.gather(*(one(entry.url) for entry in todo))
        return {entry.guid: text for entry, text in zip(todo, texts, strict=True) if text}

    async def _page(self, spec: SourceSpec, state: "FetchState") -> Collected | NotModified:
        # Pages only: their storage brings the deadlines code (icalendar, babel, ~50 ms).
        from veille.page_store import PageBatch, save_page

        response = await self.fetcher.fetch(
            state.url, etag=state.etag, last_modified=state.last_modified, accept=PAGE_ACCEPT
        )
        if isinstance(response, NotModified):
            return await self._not_modified(spec, state, response)
        text = await self.cpu(
            extract_page, response.body, response.content_type, spec.selector, spec.ignore
        )
        batch = PageBatch(
            source_id=state.id, name=spec.name, url=response.final_url, language=spec.language,
            owner=self.owner, now=self.now, text=text, state=_validators(response),
            next_due_at=schedule.after_success(
                spec.name, self.now, spec.interval_seconds, response.max_age_seconds
            ),
        )  # fmt: skip
        return await self.db(save_page, self.store.session_factory, batch)


def _log_error(future: "Future[None]") -> None:
    error = future.exception()
    if error is not None:
        logger.warning("état des sources inchangées non enregistré : %s", error)


def _validators(response: Fetched) -> dict[str, Any]:
    fields: dict[str, Any] = {"etag": response.etag, "last_modified": response.last_modified}
    if response.permanent_redirect:
        fields["url"] = response.final_url
    return fields


def _failure_kind(error: SourceError) -> str:
    if isinstance(error, GoneError):
        return "gone"
    if isinstance(error, RetryLater):
        return "rate_limited"
    if isinstance(error, SelectorNotFound):
        return "selector"
    return type(error).__name__
