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
    _outbox: SqlOutbox
    _numbers: SqlNumberRepo

    def __init__(self, engine: Engine, clock: Clock, *, write: bool = True) -> None:
        self._engine = engine
        self._clock = clock  # stamps rows' creation times: the desk's time, not the wall's
        self._write = write
        self._conn: Connection | None = None

    @property
    def connection(self) -> Connection:
        """The open connection (for storage-level code and tests only)."""
        if self._conn is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
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
        self._ledger = SqlLedger(conn)
        self.ledger = self._ledger
        self._numbers = SqlNumberRepo(conn, self._ledger, self._clock)
        self.numbers = self._numbers
        self.contacts = SqlContactRepo(conn, self._clock, before_read=self._numbers.flush)
        self.links = SqlLinkRepo(conn, self._clock)
        self.requests = SqlOptInRequestRepo(conn)
        self.messages = SqlMessageRepo(conn)
        self.projects = SqlProjectRepo(conn)
        self.threads = SqlThreadRepo(conn)
        self.idempotency = SqlIdempotency(conn)
        self._outbox = SqlOutbox(conn, self._clock)
        self.outbox = self._outbox
        self.renames = SqlRenameRepo(conn)
        self.waiting = SqlWaitingRepo(conn)
        self.optout_import = SqlOptOutImport(conn, self._ledger)
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
        conn = self.connection
        self._numbers.flush()
        self._ledger.flush()
        self._outbox.flush()
        conn.commit()


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
