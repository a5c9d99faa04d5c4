"""The ``dask`` engine for tag-batch: the same records as the local engine, on a cluster.

Attach to any running Dask scheduler (dask-jobqueue, Kubernetes, a cloud
service) or start a LocalCluster. Each worker loads and verifies the model once
(a worker plugin); inputs are paths on a shared file system or fsspec URLs. The
driver writes every completed record once, so a task retried after a worker dies
cannot duplicate a record; tasks are submitted in a bounded window so memory
stays flat whatever the number of inputs.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import islice

from scr_nlp.batch import BatchItem, tag_item
from scr_nlp.errors import ScrError

CONNECT_TIMEOUT = "10s"


class ClusterUnreachableError(ScrError):
    exit_code = 11


class TaggerPlugin:
    """Loads the model once per worker, checking its hashes as a local load does."""

    name = "scr-nlp-tagger"

    def __init__(self, model_path: str, threshold: float | None):
        self.model_path = model_path
        self.threshold = threshold

    def setup(self, worker):
        from scr_nlp.tagging import Tagger

        worker.scr_nlp_tagger = Tagger.load(self.model_path, self.threshold)

    def teardown(self, worker):
        worker.__dict__.pop("scr_nlp_tagger", None)


def _remote_tag(item: BatchItem, max_size_mb: float, done: frozenset):
    from distributed import get_worker

    return tag_item(item, max_size_mb, get_worker().scr_nlp_tagger, done)


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


def dask_results(
    items: list[BatchItem],
    model_path: str,
    threshold: float | None,
    max_size_mb: float,
    done: frozenset,
    scheduler: str | None,
    workers: int,
) -> Iterator[tuple[str, str | dict | None]]:
    from distributed import as_completed
    from distributed.diagnostics.plugin import WorkerPlugin

    client, cluster = connect(scheduler, workers)
    try:
        plugin = type("ScrTaggerPlugin", (TaggerPlugin, WorkerPlugin), {})(model_path, threshold)
        client.register_plugin(plugin, name=TaggerPlugin.name)
        dashboard = client.scheduler_info().get("services", {}).get("dashboard")
        if dashboard:
            print(f"scr-nlp: Dask dashboard: {client.dashboard_link}", file=sys.stderr)
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        # scatter a list so dask ships the set whole (a bare set would be split into elements)
        done_future = client.scatter([done], broadcast=True)[0] if done else frozenset()
        pending = iter(enumerate(items))
        window = max(8, 4 * n_workers)
        by_future = {}

        def submit(pair):
            i, item = pair
            future = client.submit(
                _remote_tag,
                item,
                max_size_mb,
                done_future,
                key=f"scr-nlp-tag-{i}-{item.path}",
                pure=False,
            )
            by_future[future] = item
            return future

        stream = as_completed([submit(p) for p in islice(pending, window)])
        for future in stream:
            item = by_future.pop(future)
            try:
                yield future.result()
            except Exception as exc:  # noqa: BLE001 - e.g. KilledWorker after repeated worker deaths
                yield (
                    "error",
                    {
                        "path": item.path,
                        "doc_id": item.doc_id,
                        "error": f"{item.path}: task failed on the cluster ({type(exc).__name__}: {exc})",
                        "exit_code": 1,
                    },
                )
            future.release()
            nxt = next(pending, None)
            if nxt is not None:
                stream.add(submit(nxt))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
