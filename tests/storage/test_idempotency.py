"""Idempotency keys: exactly one claimer per key, even under concurrency."""

from __future__ import annotations

import threading
from collections import Counter

from storage.uow import SqlUnitOfWorkFactory
from tests.storage.factories import T0


def test_a_key_is_claimed_once(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.idempotency.claim("sms:SM1", T0) is True
        assert uow.idempotency.claim("sms:SM1", T0) is False
        uow.commit()
    with uow_factory() as uow:
        assert uow.idempotency.claim("sms:SM1", T0) is False
        assert uow.idempotency.claim("sms:SM2", T0) is True


def test_a_rolled_back_claim_can_be_claimed_again(uow_factory: SqlUnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.idempotency.claim("slack:Ev1", T0)
    with uow_factory() as uow:
        assert uow.idempotency.claim("slack:Ev1", T0)


def test_two_threads_claiming_the_same_keys_each_win_each_key_once(
    uow_factory: SqlUnitOfWorkFactory,
) -> None:
    keys = [f"sms:SM{i:04d}" for i in range(200)]
    wins: Counter[str] = Counter()
    lock = threading.Lock()
    start = threading.Barrier(2)

    def claimer() -> None:
        start.wait()
        for key in keys:
            with uow_factory() as uow:
                won = uow.idempotency.claim(key, T0)
                uow.commit()
            if won:
                with lock:
                    wins[key] += 1

    threads = [threading.Thread(target=claimer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wins == Counter(dict.fromkeys(keys, 1))
