"""`make bench`: measure on this machine and write BENCHMARKS.md.

Everything reported is measured by this script in this run; nothing is copied in.
Test-split figures come from the untouched test split (final figures only).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from scr_nlp.corpus.io import load_documents  # noqa: E402
from scr_nlp.models.store import models_dir  # noqa: E402
from scr_nlp.taxonomy import THEME_IDS  # noqa: E402

SAMPLES = ROOT / "corpus" / "samples"


def timed(fn, repeat: int = 3):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def cli(*args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "scr_nlp", *args], capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"scr-nlp {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc


def bench_startup() -> dict:
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "scr-nlp"), "--help"],
            capture_output=True,
            check=True,
        )
        runs.append(time.perf_counter() - start)
    return {"help_seconds_median": round(statistics.median(runs), 3)}


def review_text(min_words: int) -> str:
    gold = load_documents(SAMPLES / "gold.jsonl")
    text, parts = "", []
    for doc in gold:
        if doc.genre in ("executive_summary", "cspr"):
            parts.append(doc.text)
            text = "\n\n".join(parts)
            if len(text.split()) >= min_words:
                break
    return text


def bench_segmentation() -> dict:
    from scr_nlp.segmenting import segment_text

    text = review_text(6000)
    segment_text(text)  # warm: spaCy pipeline built once
    seconds, doc = timed(lambda: segment_text(text), 5)
    words = len(text.split())
    return {
        "words": words,
        "sentences": len(doc.sentences),
        "seconds": round(seconds, 4),
        "words_per_second": round(words / seconds),
    }


def bench_model(name: str, test_docs) -> dict | None:
    from scr_nlp.models.assess import evaluate_model
    from scr_nlp.models.store import load_model
    from scr_nlp.records import RawDocument
    from scr_nlp.tagging import Tagger

    path = models_dir() / name
    if not (path / "meta.json").exists():
        return None
    start = time.perf_counter()
    model = load_model(path)
    load_seconds = time.perf_counter() - start
    tagger = Tagger(model)
    raws = [RawDocument(d.doc_id, "", "string", d.text) for d in test_docs]
    list(tagger.tag_many(raws[:3]))  # warm
    start = time.perf_counter()
    sentences = sum(len(r.sentences) for r in tagger.tag_many(raws))
    seconds = time.perf_counter() - start
    results = evaluate_model(path, "test")
    samples = evaluate_model(path, data=SAMPLES / "gold.jsonl")
    meta = model.meta
    return {
        "name": name,
        "type": meta["type"],
        "load_seconds": round(load_seconds, 2),
        "training_seconds": meta.get("training_seconds"),
        "tag_sentences_per_second": round(sentences / seconds),
        "tag_sentences": sentences,
        "dev": meta["metrics"]["dev"],
        "test": results["model"]["metrics"],
        "keyword_test": results["keyword"]["metrics"],
        "samples": samples["model"]["metrics"],
        "keyword_samples": samples["keyword"]["metrics"],
    }


def bench_batch(tmp: Path) -> dict:
    """3,000-word summaries, copied to a batch of files, tagged with 1 and 2 workers."""
    text = review_text(3000)
    words = text.split()
    doc = " ".join(words[:3000]) if len(words) > 3000 else text
    folder = tmp / "batch"
    folder.mkdir()
    n = 200
    for i in range(n):
        (folder / f"summary{i:03d}.txt").write_text(doc + f"\n\nDocument {i}.\n")
    single = tmp / "batch1"
    single.mkdir()
    (single / "summary.txt").write_text(doc)
    out = {"documents": n, "words_per_document": len(doc.split())}
    for label, workers, extra in (
        ("workers_1", 1, []),
        ("workers_2", 2, []),
        ("dask_2", 2, ["--engine", "dask"]),
    ):
        target = tmp / f"out-{label}.jsonl"
        seconds = _batch_seconds(folder, target, workers, extra)
        start_up = _batch_seconds(single, tmp / f"one-{label}.jsonl", workers, extra)
        sentences = sum(
            len(json.loads(line)["sentences"]) for line in target.read_text().splitlines()
        )
        out[label] = {
            "seconds_including_start_up": round(seconds, 2),
            "documents_per_second": round(n / seconds, 2),
            "sentences_per_second": round(sentences / seconds),
            "start_up_seconds": round(start_up, 2),
            "steady_documents_per_second": round((n - 1) / max(seconds - start_up, 1e-9), 2),
        }
    out["task_overhead"] = bench_task_overhead(tmp)
    out["peak_rss_mb_children"] = round(
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    )
    return out


def _batch_seconds(folder: Path, target: Path, workers: int, extra: list[str]) -> float:
    start = time.perf_counter()
    cli(
        "tag-batch", str(folder), "--out", str(target), "--workers", str(workers), "--quiet", *extra
    )
    return time.perf_counter() - start


def bench_task_overhead(tmp: Path) -> dict:
    """Per-document cost on one worker, local vs Dask, from the slope between 1 and N tiny documents."""
    n = 200
    few, many = tmp / "tiny1", tmp / "tinyN"
    few.mkdir()
    many.mkdir()
    (few / "t0.txt").write_text("Child A was seen at home by the health visitor.\n")
    for i in range(n):
        (many / f"t{i}.txt").write_text(f"Child {i} was seen at home by the health visitor.\n")
    out = {}
    for label, extra in (("local", []), ("dask", ["--engine", "dask"])):
        t1 = _batch_seconds(few, tmp / f"{label}-1.jsonl", 1, extra)
        tn = _batch_seconds(many, tmp / f"{label}-n.jsonl", 1, extra)
        out[f"{label}_seconds_per_document"] = round((tn - t1) / (n - 1), 4)
        out[f"{label}_start_up_seconds"] = round(t1, 2)
    out["dask_overhead_seconds_per_task"] = round(
        out["dask_seconds_per_document"] - out["local_seconds_per_document"], 4
    )
    return out


def bench_tag_file(tmp: Path) -> dict:
    text = review_text(3000)
    path = tmp / "summary.txt"
    path.write_text(" ".join(text.split()[:3000]) if len(text.split()) > 3000 else text)
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        cli("tag", str(path), "--format", "json")
        runs.append(time.perf_counter() - start)
    code = (
        "import time; t=time.perf_counter(); import scr_nlp.tagging, scr_nlp.segmenting; "
        "from scr_nlp.segmenting import sentence_pipeline; sentence_pipeline(); "
        "from scr_nlp.models.store import load_model; m=load_model(None); "
        "print(time.perf_counter()-t)"
    )
    imports = float(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
    )
    return {
        "words": len(path.read_text().split()),
        "wall_seconds_median": round(statistics.median(runs), 2),
        "import_and_model_load_seconds": round(imports, 2),
    }


def bench_linear_training(tmp: Path) -> float:
    start = time.perf_counter()
    cli("train", "--model", "linear", "--out", str(tmp / "linear"), "--quiet")
    return round(time.perf_counter() - start, 1)


def _row(label: str, m: dict) -> str:
    s, d = m["sentence"], m["document"]
    return (
        f"| {label} | {s['macro_f1']:.3f} | {s['micro_f1']:.3f} | {d['macro_f1']:.3f} | "
        f"{s['false_alarm_rate']:.1%} | {s.get('hard_negative_false_alarm_rate', 0):.1%} |"
    )


def write_markdown(r: dict, path: Path) -> None:
    lines = [
        "# BENCHMARKS",
        "",
        f"Measured by `make bench` (`python benchmarks/run.py`) on {r['machine']}, {r['date']}. "
        "Every figure below was measured in that run. Test-split figures are the final figures; "
        "dev was used for thresholds and model choice. Speeds on this shared machine vary by up to "
        "about 1.5x between runs of the same command.",
        "",
        "## Start-up and segmentation",
        "",
        f"- `scr-nlp --help`: {r['startup']['help_seconds_median']} s (median of 5; target under 0.3 s).",
        f"- Segmentation (read-to-sentences on txt, spaCy blank pipeline + rules, one process): "
        f"{r['segmentation']['words_per_second']:,} words/s on {r['segmentation']['words']:,} words "
        f"({r['segmentation']['sentences']} sentences) (target 100,000 words/s per core).",
        "",
        "## Model quality (corpus test split; keyword model beside each)",
        "",
        "| model | sentence macro-F1 | sentence micro-F1 | document macro-F1 | false alarms (no-theme sentences) | false alarms (hard negatives) |",
        "|---|---|---|---|---|---|",
    ]
    for m in r["models"]:
        lines.append(_row(f"{m['name']} ({m['type']})", m["test"]))
    if r["models"]:
        lines.append(_row("keyword comparator", r["models"][0]["keyword_test"]))
    lines += [
        "",
        "Per theme, sentence-level F1 on the test split:",
        "",
        "| model | " + " | ".join(THEME_IDS) + " |",
        "|---|" + "---|" * len(THEME_IDS),
    ]
    for m in [
        *r["models"],
        {"name": "keyword comparator", "type": "keyword", "test": r["models"][0]["keyword_test"]}
        if r["models"]
        else None,
    ]:
        if m:
            lines.append(
                f"| {m['name']} | "
                + " | ".join(
                    f"{m['test']['sentence']['per_theme'][t]['f1']:.3f}" for t in THEME_IDS
                )
                + " |"
            )
    lines += [
        "",
        "Dev split (model choice) and the separately written sample set (`corpus/samples/gold.jsonl`, 42 documents):",
        "",
        "| model | dev sentence macro-F1 | dev document macro-F1 | samples sentence macro-F1 | samples document macro-F1 |",
        "|---|---|---|---|---|",
    ]
    for m in r["models"]:
        lines.append(
            f"| {m['name']} | {m['dev']['sentence']['macro_f1']:.3f} | {m['dev']['document']['macro_f1']:.3f} | "
            f"{m['samples']['sentence']['macro_f1']:.3f} | {m['samples']['document']['macro_f1']:.3f} |"
        )
    lines += [
        "",
        "Targets (issue 4): test sentence macro-F1 >= 0.85, document macro-F1 >= 0.92, false alarms <= 3%, "
        "default beats keyword by >= 0.15 sentence macro-F1. The corpus is team-written; expect lower figures on real reviews.",
        "",
        "## Speed",
        "",
        "| model | tagging sentences/s (segmentation included, 2 cores) | model load s | training s |",
        "|---|---|---|---|",
    ]
    for m in r["models"]:
        lines.append(
            f"| {m['name']} | {m['tag_sentences_per_second']:,} | {m['load_seconds']} | {m['training_seconds']} |"
        )
    lines += [
        "",
        f"- Linear training, measured end to end from the CLI in this run: {r['linear_training_seconds']} s (target under 60 s).",
        f"- `scr-nlp tag FILE` on one {r['tag_file']['words']:,}-word summary with the default model: "
        f"{r['tag_file']['wall_seconds_median']} s wall (median of 3), of which "
        f"{r['tag_file']['import_and_model_load_seconds']} s is importing and loading the model.",
        "",
        "## Batch tagging (default model)",
        "",
        f"{r['batch']['documents']} documents of {r['batch']['words_per_document']:,} words, `scr-nlp tag-batch` "
        "end to end including process start-up and model loading:",
        "",
        "| engine | documents/s | sentences/s | seconds | start-up s (one document) | documents/s after start-up |",
        "|---|---|---|---|---|---|",
    ]
    for label, name in (
        ("workers_1", "local, 1 worker"),
        ("workers_2", "local, 2 workers"),
        ("dask_2", "Dask LocalCluster, 2 workers"),
    ):
        b = r["batch"][label]
        lines.append(
            f"| {name} | {b['documents_per_second']} | {b['sentences_per_second']:,} | {b['seconds_including_start_up']} "
            f"| {b['start_up_seconds']} | {b['steady_documents_per_second']} |"
        )
    lines += [
        "",
        f"Peak resident memory of the largest child process: {r['batch']['peak_rss_mb_children']} MB "
        "(target: 20 documents/s of 3,000-word summaries on 2 cores).",
        "",
        *capacity_note(r),
        "",
        "Reproduce: `make bench` (writes this file and `benchmarks/results.json`).",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def capacity_note(r: dict) -> list[str]:
    o = r["batch"]["task_overhead"]
    per_doc = 1 / r["batch"]["workers_1"]["steady_documents_per_second"]
    overhead = max(o["dask_overhead_seconds_per_task"], 0.0)
    efficiency = per_doc / (per_doc + overhead)
    return [
        "## Capacity on a real cluster (Dask engine)",
        "",
        f"Measured here: a {r['batch']['words_per_document']:,}-word summary costs about {per_doc:.3f} s of one core "
        f"(local, one worker, after start-up, including reading and segmentation); the Dask engine adds about {overhead * 1000:.1f} ms per "
        f"document-task over the local engine ({o['dask_seconds_per_document']:.4f} vs "
        f"{o['local_seconds_per_document']:.4f} s per tiny document on one worker), and starting a LocalCluster costs "
        f"about {o['dask_start_up_seconds']} s once.",
        "",
        f"- Each task is one whole document, independent of the others, so throughput should grow close to linearly "
        f"with worker cores: about {efficiency:.0%} of ideal per worker at this document size "
        f"(~{1 / (per_doc + overhead):.1f} documents/s per core; 100 cores ~{100 / (per_doc + overhead):,.0f} documents/s, "
        f"a million summaries in ~{1e6 / (100 / (per_doc + overhead)) / 3600:.1f} h).",
        "- What limits it: the scheduler handles on the order of a few thousand tasks per second, so with documents "
        "this small it is not the bottleneck below roughly a thousand cores; the driver writes every record itself "
        "(one append and fsync per document), which caps the output at a few thousand records per second on a local "
        "disk and less on network storage; and reading inputs from object storage (S3/GCS) adds per-file latency "
        "that only more concurrent workers hide. The model is loaded once per worker, so start-up is amortised.",
        "- Very short documents (news briefs) make the per-task overhead matter more; very long ones (90-page "
        "overview reports) make the work per task uneven, which Dask's work stealing balances.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="BENCHMARKS.md")
    parser.add_argument(
        "--from-results", action="store_true", help="Rewrite the Markdown from results.json only."
    )
    args = parser.parse_args()
    if args.from_results:
        write_markdown(
            json.loads((ROOT / "benchmarks" / "results.json").read_text()), ROOT / args.out
        )
        return
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    test_docs = load_documents(None, "test")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        r = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "date": time.strftime("%Y-%m-%d"),
            "startup": bench_startup(),
            "segmentation": bench_segmentation(),
            "models": [
                m
                for m in (bench_model(n, test_docs) for n in ("linear", "transformer", "keyword"))
                if m
            ],
            "linear_training_seconds": bench_linear_training(tmp),
            "tag_file": bench_tag_file(tmp),
            "batch": bench_batch(tmp),
        }
        shutil.rmtree(tmp, ignore_errors=True)
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(r, indent=1) + "\n")
    write_markdown(r, ROOT / args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
