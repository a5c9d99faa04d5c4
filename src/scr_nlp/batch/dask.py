"""The ``dask`` engine: the same records as the local engine, on a cluster.

Attach to any running Dask scheduler (dask-jobqueue, Kubernetes, a cloud service)
or start a LocalCluster. Each worker loads and verifies the model once (a worker
plugin); inputs are paths on a shared file system or fsspec URLs. The driver writes
every completed record once, so a task retried after a worker dies cannot duplicate
a record; tasks are submitted in a bounded window so memory stays flat whatever the
number of inputs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import islice

from scr_nlp.batch.records import BatchItem, BatchOutcome, ErrorRecord, Status
from scr_nlp.batch.work import WorkContext, tag_item
from scr_nlp.errors import ClusterUnreachableError

CONNECT_TIMEOUT = "10s"
PLUGIN_NAME = "scr-nlp-tagger"


class TaggerPlugin:
    """Loads the model once per worker, checking its hashes as a local load does."""

    name = PLUGIN_NAME

    def __init__(self, model_path: str, threshold: float | None):
        self.model_path = model_path
        self.threshold = threshold

    def setup(self, worker):
        from scr_nlp.tagging import Tagger

        worker.scr_nlp_tagger = Tagger.load(self.model_path, self.threshold)

    def teardown(self, worker):
        worker.__dict__.pop("scr_nlp_tagger", None)


def _remote_tag(item: BatchItem, context: WorkContext) -> BatchOutcome:
    from distributed import get_worker

    return tag_item(item, get_worker().scr_nlp_tagger, context)


def connect(scheduler: str | None, workers: int):
    import logging

    from distributed import Client, LocalCluster

    logging.getLogger("distributed").setLevel(logging.ERROR)
    if scheduler:
        try:
            return Client(scheduler, timeout=CONNECT_TIMEOUT), None
        except (OSError, TimeoutError) as exc:
            raise ClusterUnreachableError(
                f"cannot reach the Dask scheduler at {scheduler} ({type(exc).__name__}); "
                "check the address and that the scheduler is running"
            ) from None
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    return Client(cluster), cluster


class DaskEngine:
    name = "dask"

    def __init__(self, scheduler: str | None, workers: int):
        self.scheduler = scheduler
        self.workers = workers

    def run(self, items: list[BatchItem], tagger, context: WorkContext) -> Iterator[BatchOutcome]:
        from distributed import as_completed
        from distributed.diagnostics.plugin import WorkerPlugin

        client, cluster = connect(self.scheduler, self.workers)
        try:
            plugin_cls = type("ScrTaggerPlugin", (TaggerPlugin, WorkerPlugin), {})
            client.register_plugin(
                plugin_cls(context.model_path, context.threshold), name=PLUGIN_NAME
            )
            if client.scheduler_info().get("services", {}).get("dashboard"):
                print(f"scr-nlp: Dask dashboard: {client.dashboard_link}", file=sys.stderr)
            n_workers = max(1, len(client.scheduler_info().get("workers", {})))
            # Ship the context once, not with every task.
            context_future = client.scatter([context], broadcast=True)[0]
            pending = iter(enumerate(items))
            by_future = {}

            def submit(pair):
                i, item = pair
                future = client.submit(
                    _remote_tag, item, context_future, key=f"scr-nlp-tag-{i}", pure=False
                )
                by_future[future] = item
                return future

            stream = as_completed([submit(p) for p in islice(pending, max(8, 4 * n_workers))])
            for future in stream:
                item = by_future.pop(future)
                try:
                    yield future.result()
                except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker after repeated deaths
                    yield BatchOutcome(
                        item,
                        Status.FAILED,
                        error=ErrorRecord(
                            item.path,
                            item.doc_id,
                            f"{item.path}: task failed on the cluster ({type(exc).__name__}: {exc})",
                            1,
                        ),
                    )
                future.release()
                nxt = next(pending, None)
                if nxt is not None:
                    stream.add(submit(nxt))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
