"""One repository per module, each over one SQLAlchemy Connection (Core statements).

Repositories never commit: the unit of work that made them owns the transaction.
They return the plain records of `consent.model` / `consent.records`.
"""

from storage.repos.contacts import SqlContactRepo
from storage.repos.idempotency import SqlIdempotency
from storage.repos.ledger import SqlLedger
from storage.repos.links import SqlLinkRepo
from storage.repos.messages import SqlMessageRepo
from storage.repos.numbers import SqlNumberRepo
from storage.repos.outbox import SqlOutbox
from storage.repos.projects import SqlProjectRepo
from storage.repos.renames import SqlRenameRepo
from storage.repos.requests import SqlOptInRequestRepo
from storage.repos.threads import SqlThreadRepo
from storage.repos.waiting import SqlWaitingRepo

__all__ = [
    "SqlContactRepo",
    "SqlIdempotency",
    "SqlLedger",
    "SqlLinkRepo",
    "SqlMessageRepo",
    "SqlNumberRepo",
    "SqlOptInRequestRepo",
    "SqlOutbox",
    "SqlProjectRepo",
    "SqlRenameRepo",
    "SqlThreadRepo",
    "SqlWaitingRepo",
]
