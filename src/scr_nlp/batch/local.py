"""The ``local`` engine: tag in this process, or in worker processes that cannot stall it.

With several workers, each process loads and verifies the model once and takes one
document at a time, so the driver always knows which document each worker holds.
A worker that dies (killed, out of memory) is replaced and its document tried once
more; a second death, or a document over the time budget (its worker is stopped),
becomes an error record. Outcomes come back in input order.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from scr_nlp.batch.records import BatchItem, BatchOutcome, ErrorRecord, Status
from scr_nlp.batch.work import WorkContext, tag_item
from scr_nlp.errors import InputTooLargeError, ScrError

_MAX_ATTEMPTS = 2
_MAX_FAILED_STARTS = 5


def _over_budget(item: BatchItem, budget: float) -> ErrorRecord:
    error = InputTooLargeError(
        f"{item.path}: stopped after the {budget:g} s per-document time budget "
        "(raise it with --time-budget)"
    )
    return ErrorRecord(item.path, item.doc_id, str(error), error.exit_code)


class LocalEngine:
    name = "local"

    def __init__(self, workers: int, time_budget_s: float):
        self.workers = workers
        self.time_budget_s = time_budget_s

    def run(self, items: list[BatchItem], tagger, context: WorkContext) -> Iterator[BatchOutcome]:
        if self.workers <= 1 or len(items) <= 1:
            if items:
                tagger.warm_up(context.facts)
            for item in items:
                yield self._in_process(item, tagger, context)
            return
        yield from _WorkerPool(self.workers, self.time_budget_s, context).run(items)

    def _in_process(self, item: BatchItem, tagger, context: WorkContext) -> BatchOutcome:
        try:
            with _alarm(self.time_budget_s):
                return tag_item(item, tagger, context)
        except _BudgetExceeded:
            return BatchOutcome(item, Status.FAILED, error=_over_budget(item, self.time_budget_s))


class _BudgetExceeded(BaseException):
    """Raised by the alarm; a BaseException so tag_item's error handling cannot swallow it."""


@contextmanager
def _alarm(seconds: float):
    """A time budget for in-process work (main thread only; elsewhere no budget applies)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def fire(signum, frame):
        raise _BudgetExceeded

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------ worker processes

_process_state: dict = {}


def _worker_main(connection, context: WorkContext, threads: int) -> None:
    """A worker process: load the model once, then tag each item it is sent."""
    from scr_nlp.tagging import Tagger

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver handles Ctrl-C
    tagger = Tagger.load(context.model_path, context.threshold)
    tagger.model.classifier.limit_threads(threads)  # the workers share the cores
    tagger.warm_up(context.facts)
    connection.send(("ready", None))
    while True:
        message = connection.recv()
        if message is None:
            # Results went back through the pipe. Run the exit handlers (one removes a
            # private encoder graph) and flush, but skip tearing down the interpreter's
            # modules: that cost every batch about 0.3 s.
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(0)
        index, item = message
        connection.send((index, tag_item(item, tagger, context)))


class _Worker:
    def __init__(self, ctx, context: WorkContext, threads: int):
        self.connection, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, context, threads), daemon=True)
        self.process.start()
        child.close()
        self.ready = False
        self.task: tuple[int, BatchItem] | None = None
        self.spawned = time.monotonic()
        self.started = 0.0

    def assign(self, index: int, item: BatchItem) -> None:
        self.task = (index, item)
        self.started = time.monotonic()
        self.connection.send((index, item))

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class _WorkerPool:
    def __init__(self, workers: int, time_budget_s: float, context: WorkContext):
        import multiprocessing as mp

        self.ctx = mp.get_context("spawn")
        self.size = workers
        self.budget = time_budget_s
        self.context = context
        # Loading the model can take a while on a busy machine; it is not a document's time.
        self.startup_budget = max(600.0, time_budget_s)
        self.threads = max(1, (os.cpu_count() or 1) // workers)

    @staticmethod
    def _assign(workers: list[_Worker], queue: list, attempts: list[int]) -> None:
        for w in workers:
            if w.ready and w.task is None and queue:
                index, item = queue.pop()
                attempts[index] += 1
                w.assign(index, item)

    def run(self, items: list[BatchItem]) -> Iterator[BatchOutcome]:
        from multiprocessing.connection import wait

        queue = list(enumerate(items))[::-1]  # pop() takes the next in order
        attempts = [0] * len(items)
        finished: dict[int, BatchOutcome] = {}
        next_out = 0
        failed_starts = 0
        workers = [
            _Worker(self.ctx, self.context, self.threads) for _ in range(min(self.size, len(items)))
        ]
        try:
            while next_out < len(items):
                ready = wait(
                    [w.connection for w in workers] + [w.process.sentinel for w in workers],
                    timeout=1.0,
                )
                now = time.monotonic()
                for i, w in enumerate(list(workers)):
                    if w.connection in ready:
                        try:
                            message = w.connection.recv()
                        except (EOFError, OSError):
                            message = None
                        if message is not None:
                            if message[0] == "ready":
                                w.ready = True
                            else:
                                index, outcome = message
                                finished[index] = outcome
                                w.task = None
                            continue
                    died = not w.process.is_alive()
                    overdue = w.task is not None and now - w.started > self.budget
                    stuck_loading = not w.ready and now - w.spawned > self.startup_budget
                    if died or overdue or stuck_loading:
                        if not w.ready:
                            failed_starts += 1
                            if failed_starts > _MAX_FAILED_STARTS:
                                raise ScrError(
                                    "worker processes keep failing to start (last exit code "
                                    f"{w.process.exitcode}); try --workers 1"
                                )
                        w.stop()
                        if w.task is not None:
                            index, item = w.task
                            if overdue:
                                finished[index] = BatchOutcome(
                                    item, Status.FAILED, error=_over_budget(item, self.budget)
                                )
                            elif attempts[index] < _MAX_ATTEMPTS:
                                queue.append((index, item))  # try once more, next
                            else:
                                code = w.process.exitcode
                                finished[index] = BatchOutcome(
                                    item,
                                    Status.FAILED,
                                    error=ErrorRecord(
                                        item.path,
                                        item.doc_id,
                                        f"{item.path}: the worker tagging it died twice "
                                        f"(exit code {code}; out of memory?)",
                                        1,
                                    ),
                                )
                        workers[i] = _Worker(self.ctx, self.context, self.threads)
                # Idle workers start their next document before results are written (each
                # write is fsynced), not after.
                self._assign(workers, queue, attempts)
                while next_out in finished:
                    yield finished.pop(next_out)
                    next_out += 1
        finally:
            for w in workers:
                if w.task is not None:  # stopped early (Ctrl-C, a failed write): no one
                    w.stop()  # will read this document's result, so do not wait for it
                elif w.process.is_alive():
                    with suppress(OSError):
                        w.connection.send(None)
            for w in workers:
                w.process.join(timeout=5)
                w.stop()
