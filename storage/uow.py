"""The unit of work: one connection, one transaction, every repository on it."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine

from consent.errors import Unavailable
from consent.ports import (
    Clock,
    ContactRepo,
    Idempotency,
    Ledger,
    LinkRepo,
    MessageRepo,
    NumberRepo,
    OptInRequestRepo,
    OptOutImport,
    Outbox,
    ProjectRepo,
    RenameRepo,
    ThreadRepo,
    UnitOfWork,
    UnitOfWorkFactory,
    WaitingRepo,
)
from storage.engine import WRITE_OPTION
from storage.repos import (
    SqlContactRepo,
    SqlIdempotency,
    SqlLedger,
    SqlLinkRepo,
    SqlMessageRepo,
    SqlNumberRepo,
    SqlOptInRequestRepo,
    SqlOutbox,
    SqlProjectRepo,
    SqlRenameRepo,
    SqlThreadRepo,
    SqlWaitingRepo,
)
from storage.repos.optout_import import SqlOptOutImport
from storage.writes import QueuedConnection


class SqlUnitOfWork:
    """`with factory() as uow: ...; uow.commit()` — leaving without commit rolls back.

    A write unit of work begins at once, taking SQLite's write lock up front
    (BEGIN IMMEDIATE) so writers queue instead of failing on lock upgrade; a
    read one (`write=False`) begins a plain deferred transaction. After
    `commit()` the unit stays usable: the next statement begins a new
    transaction, which `commit()` commits again or leaving rolls back.
    """

    contacts: ContactRepo
    numbers: NumberRepo
    ledger: Ledger
    links: LinkRepo
    requests: OptInRequestRepo
    messages: MessageRepo
    projects: ProjectRepo
    threads: ThreadRepo
    idempotency: Idempotency
    outbox: Outbox
    renames: RenameRepo
    waiting: WaitingRepo
    optout_import: OptOutImport
    _ledger: SqlLedger
    _queue: QueuedConnection

    def __init__(self, engine: Engine, clock: Clock, *, write: bool = True) -> None:
        self._engine = engine
        self._clock = clock  # stamps rows' creation times: the desk's time, not the wall's
        self._write = write
        self._conn: Connection | None = None

    @property
    def connection(self) -> Connection:
        """The open connection, every queued write written (for storage-level code and tests
        only: statements run on it directly do not write the queue first)."""
        if self._conn is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
        self._queue.connection()
        return self._conn

    def __enter__(self) -> Self:
        try:
            conn = self._engine.connect()
        except sa_exc.DBAPIError as err:
            raise Unavailable(f"the database cannot be reached: {type(err.orig).__name__}") from err
        try:
            conn.execution_options(**{WRITE_OPTION: self._write})
            if not self._write and conn.dialect.name == "postgresql":
                # A read sees one snapshot (SQLite's read transactions already do): ledger
                # verify holds the chain, its head and every status against each other.
                # Read-only transactions never fail to serialise at this level.
                conn.execution_options(isolation_level="REPEATABLE READ")
            conn.begin()
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        # Every repository reaches the connection through one queue: queued writes are
        # written before any later statement, so every read sees them (storage/writes.py).
        db = self._queue = QueuedConnection(conn)
        self._ledger = SqlLedger(db)
        self.ledger = self._ledger
        self.numbers = SqlNumberRepo(db, self._ledger, self._clock)
        self.contacts = SqlContactRepo(db, self._clock)
        self.links = SqlLinkRepo(db, self._clock)
        self.requests = SqlOptInRequestRepo(db)
        self.messages = SqlMessageRepo(db)
        self.projects = SqlProjectRepo(db)
        self.threads = SqlThreadRepo(db)
        self.idempotency = SqlIdempotency(db)
        self.outbox = SqlOutbox(db, self._clock)
        self.renames = SqlRenameRepo(db)
        self.waiting = SqlWaitingRepo(db)
        self.optout_import = SqlOptOutImport(db, self._ledger)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if conn.in_transaction():
                conn.rollback()
        except sa_exc.DBAPIError:
            if exc is None:
                raise
        finally:
            conn.close()
        if _unreachable(exc):
            raise Unavailable("the database went away; nothing was saved") from exc

    def commit(self) -> None:
        self.connection.commit()
        self._ledger.forget_head()


def _unreachable(exc: BaseException | None) -> bool:
    """A lost connection, a server shutting down, or SQLite's lock held past the timeout:
    errors worth a retry later, as opposed to a bug."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError)


class SqlUnitOfWorkFactory:
    """Makes units of work on one engine: `factory(write=True)`; rows they create are
    stamped with `clock`'s time (the desk's clock, so tests control it)."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def __call__(self, *, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.clock, write=write)


def _conforms(factory: SqlUnitOfWorkFactory, uow: SqlUnitOfWork) -> None:
    # Never called: mypy checks here that the classes satisfy the ports.
    _factory: UnitOfWorkFactory = factory
    _uow: UnitOfWork = uow
