"""`make bench`: measure on this machine and write BENCHMARKS.md.

Everything reported is measured by this script in this run; nothing is copied in.
Test parts (corpus test split, real test part) give final figures only; dev parts were
used for thresholds and model choice. The real coroners' reports are read from
SCR_NLP_PFD_CSV (``make bench`` passes ../shared/real/pfd_reports.csv when present);
without it the real-text rows are left out and the file says so.
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
from scr_nlp.models.catalog import default_name, resolve_model_path  # noqa: E402
from scr_nlp.settings import get_settings  # noqa: E402
from scr_nlp.taxonomy import THEMES  # noqa: E402

SAMPLES = ROOT / "corpus" / "samples"
MODELS = ("hybrid", "linear", "keyword", "transformer")


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


def review_text(words: int) -> str:
    """Whole executive summaries and CSPRs from the samples, cut at ``words`` words."""
    parts = []
    for doc in load_documents(SAMPLES / "gold.jsonl"):
        if doc.genre in ("executive_summary", "cspr"):
            parts.append(doc.text)
            if len(" ".join(parts).split()) >= words:
                break
    return " ".join(" ".join(parts).split(" ")[:words]) if parts else ""


def bench_segmentation() -> dict:
    from scr_nlp.segmenting import segment_text

    text = review_text(6000)
    segment_text(text)  # warm: spaCy pipeline built once
    times = []
    for _ in range(5):
        start = time.perf_counter()
        doc = segment_text(text)
        times.append(time.perf_counter() - start)
    words = len(text.split())
    return {
        "words": words,
        "sentences": len(doc.sentences),
        "words_per_second": round(words / min(times)),
    }


def bench_model(name: str, real: bool, by_genre: bool = False) -> dict | None:
    from scr_nlp.corpus.io import labelled_sentences
    from scr_nlp.models.evaluate import evaluate_model, score_model
    from scr_nlp.models.store import load_model
    from scr_nlp.records import RawDocument
    from scr_nlp.tagging import Tagger

    path = resolve_model_path(name)
    if not (path / "meta.json").exists():
        return None
    start = time.perf_counter()
    model = load_model(path)
    load_seconds = time.perf_counter() - start
    tagger = Tagger(model).warm_up()
    test_docs = load_documents(None, "test")
    start = time.perf_counter()
    sentences = sum(
        len(r.sentences)
        for r in tagger.tag_many(
            RawDocument(d.doc_id, "", "string", d.text) for d in test_docs[:20]
        )
    )
    seconds = time.perf_counter() - start
    test_sentences = labelled_sentences(test_docs)
    test_scores = model.predict_proba([s.input for s in test_sentences])
    out = {
        "name": name,
        "type": model.meta["type"],
        "sha256": model.content_sha256,
        "load_seconds": round(load_seconds, 2),
        "training_seconds": model.meta.get("training_seconds"),
        "sentences_per_second_one_process": round(sentences / seconds),
        "dev": model.meta["metrics"].get("dev"),
        "real_dev": model.meta["metrics"].get("real_dev"),
        "corpus_test": score_model(model, test_sentences, scores=test_scores),
        "samples": evaluate_model(path, data=SAMPLES / "gold.jsonl", compare=None)["model"][
            "metrics"
        ],
    }
    if by_genre:
        out["genres"] = genre_metrics(model, test_docs, test_sentences, test_scores)
    if real:
        result = evaluate_model(path, "test", compare=None, real=True)
        out["real_test"] = result["model"]["metrics"]
    return out


# Kinds of document in the corpus, for the per-kind figures (genre names in corpus/schema).
GENRE_FAMILIES = (
    (
        "child case reviews (SCR and CSPR sections, executive summaries, rapid reviews)",
        ("overview_", "executive_summary", "cspr", "rapid_review", "child_practice_review"),
    ),
    (
        "adult and domestic homicide reviews",
        ("safeguarding_adults_review", "domestic_homicide_review"),
    ),
    ("coroners'-style reports", ("coroner_report",)),
    ("news", ("news",)),
    ("national analyses and inspections", ("national_analysis", "inspectorate_report")),
    ("learning briefings", ("learning_briefing",)),
)
GENRE_MIN_SUPPORT = 20


def genre_metrics(model, docs, sentences, scores) -> list[dict]:
    """The corpus test split one kind of document at a time, from scores already computed:
    where the model is weaker, so that users know which tags need the closest reading."""
    from scr_nlp.models.evaluate import score_model
    from scr_nlp.models.metrics import macro_over_supported

    genre = {d.doc_id: d.genre for d in docs}
    out = []
    for family, prefixes in GENRE_FAMILIES:
        rows = [i for i, s in enumerate(sentences) if genre[s.doc_id].startswith(prefixes)]
        if not rows:
            continue
        chosen = [sentences[i] for i in rows]
        block = score_model(model, chosen, scores=scores[rows])["sentence"]
        out.append(
            {
                "family": family,
                "documents": len({s.doc_id for s in chosen}),
                "sentences": len(rows),
                "macro_f1_supported": macro_over_supported(block, GENRE_MIN_SUPPORT),
                "themes_supported": sum(
                    e["support"] >= GENRE_MIN_SUPPORT for e in block["per_theme"].values()
                ),
                "false_alarm_rate": block["false_alarm_rate"],
            }
        )
    return out


def bench_batch(tmp: Path, model: str, n: int, workers: int) -> dict:
    """``n`` copies of a 3,000-word summary, tagged by `scr-nlp tag-batch` end to end."""
    doc = review_text(3000)
    folder = tmp / f"batch-{model}-{n}"
    folder.mkdir(exist_ok=True)
    for i in range(n):
        (folder / f"summary{i:03d}.txt").write_text(doc + f"\n\nDocument {i}.\n")
    target = tmp / f"out-{model}-{workers}.jsonl"
    start = time.perf_counter()
    cli(
        "tag-batch",
        str(folder),
        "--out",
        str(target),
        "--model",
        model,
        "--workers",
        str(workers),
        "-q",
    )
    seconds = time.perf_counter() - start
    return {
        "model": model,
        "workers": workers,
        "documents": n,
        "words_per_document": len(doc.split()),
        "seconds": round(seconds, 2),
        "documents_per_second": round(n / seconds, 2),
    }


def bench_tag_file(tmp: Path) -> dict:
    path = tmp / "summary.txt"
    path.write_text(review_text(3000))
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        cli("tag", str(path), "--format", "json")
        runs.append(time.perf_counter() - start)
    return {
        "words": len(path.read_text().split()),
        "wall_seconds_median": round(statistics.median(runs), 2),
    }


def bench_facts(real: bool) -> dict:
    """Case facts against the gold (samples, corpus test split, real reports), and the time
    extraction adds per 3,000-word document (it reuses the segmentation tagging did)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import facts_eval

    from scr_nlp.facts import evaluate_facts, extract_facts

    sets = {"samples": facts_eval.samples(), "corpus_test": facts_eval.corpus_test()}
    if real:
        sets["real_reports"] = facts_eval.real_reports()
    out = {
        name: evaluate_facts(gold, [extract_facts(s) for s in segs])
        for name, (gold, segs) in sets.items()
        if segs
    }
    segs = sets["samples"][1]
    words = sum(len(s.raw.text.split()) for s in segs)
    [extract_facts(s) for s in segs]
    best = min(_seconds(lambda: [extract_facts(s) for s in segs]) for _ in range(5))
    out["extraction_ms_per_3000_words"] = round(best * 1000 / words * 3000, 1)
    return out


def _seconds(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


# ------------------------------------------------------------------ Markdown


def _supported_macro(block: dict, min_support: int) -> str:
    themes = [t.id for t in THEMES if block["per_theme"][t.id]["support"] >= min_support]
    if not themes:
        return "n/a"
    return f"{sum(block['per_theme'][t]['f1'] for t in themes) / len(themes):.3f}"


def _quality_rows(r: dict, part: str) -> list[str]:
    rows = []
    for m in r["models"]:
        if part not in m or m[part] is None:
            continue
        s, d = m[part]["sentence"], m[part]["document"]
        extra = ""
        if part.startswith("real"):
            extra = f" {_supported_macro(s, 20)} | {_supported_macro(d, 10)} |"
        rows.append(
            f"| {m['name']} | {s['macro_f1']:.3f} | {d['macro_f1']:.3f} |{extra} {s['false_alarm_rate']:.1%} |"
        )
    return rows


def _per_theme(r: dict, part: str) -> list[str]:
    lines = [
        "| model | theme | sentence P | R | F1 | support | document F1 | documents |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in r["models"]:
        if not m.get(part):
            continue
        for t in THEMES:
            s = m[part]["sentence"]["per_theme"][t.id]
            d = m[part]["document"]["per_theme"][t.id]
            lines.append(
                f"| {m['name']} | {t.name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | "
                f"{s['support']} | {d['f1']:.3f} | {d['support']} |"
            )
    return lines


_FACT_FIELDS = (
    ("child_age_band", "age band"),
    ("child_age_years", "age in years"),
    ("outcome", "outcome"),
    ("year", "year of incident"),
    ("review_type", "review type"),
    ("known_to_social_care", "known to social care"),
    ("child_protection_plan", "child protection plan"),
)


def _pr(entry: dict | None) -> str:
    if not entry or entry.get("precision") is None:
        return "–"
    recall = entry.get("recall")
    return f"{entry['precision']:.3f} / {'–' if recall is None else f'{recall:.3f}'} ({entry.get('support', 0)})"


def _facts_lines(r: dict) -> list[str]:
    facts = r["facts"]
    sets = [n for n in ("samples", "corpus_test", "real_reports") if n in facts]
    names = {
        "samples": "samples (42)",
        "corpus_test": "corpus test split (49 labelled)",
        "real_reports": "real reports (287)",
    }
    lines = [
        "Precision / recall (gold support) per field; a prediction counts only when the text states it. "
        "Gold written by a team annotator reading each document (`corpus/facts/`, `corpus/real/pfd_facts.jsonl`).",
        "",
        "| field | " + " | ".join(names[n] for n in sets) + " |",
        "|---|" + "---|" * len(sets),
    ]
    for key, label in _FACT_FIELDS:
        lines.append(
            f"| {label} | " + " | ".join(_pr(facts[n]["fields"].get(key)) for n in sets) + " |"
        )
    lines.append(
        "| age band where an age is stated (precision) | "
        + " | ".join(
            f"{(facts[n].get('child_age_band_where_age_stated') or {}).get('precision') or 0:.3f}"
            for n in sets
        )
        + " |"
    )
    lines.append(
        "| agencies (micro F1) | "
        + " | ".join(f"{facts[n]['agencies']['f1']:.3f}" for n in sets)
        + " |"
    )
    default_batch = r["batch"][0]
    per_doc_ms = (
        1000 / default_batch["documents_per_second"] if default_batch["documents_per_second"] else 0
    )
    lines += [
        "",
        "Targets (issue 14): age band, outcome and year precision >= 0.95 and recall >= 0.85 on the corpus "
        "test split and samples; agencies micro-F1 >= 0.85; on real reports, age band precision >= 0.95 where "
        "an age is stated and agencies micro-F1 >= 0.75.",
        "",
        f"Extraction time: {facts['extraction_ms_per_3000_words']} ms per 3,000-word document (one process, "
        f"best of five), against {per_doc_ms:.0f} ms per document for `tag-batch` with the default model "
        f"above: {100 * facts['extraction_ms_per_3000_words'] / max(per_doc_ms, 1e-9):.1f}% added (target <= 15%).",
        "",
    ]
    return lines


def _genre_lines(r: dict) -> list[str]:
    rows = next((m.get("genres") for m in r["models"] if m["name"] == r["default_model"]), None)
    if not rows:
        return []
    return [
        f"Per kind of document, corpus test split, default model (`{r['default_model']}`): sentence "
        f"macro-F1 over the themes with at least {GENRE_MIN_SUPPORT} positive sentences of that kind.",
        "",
        "| kind of document | documents | sentences | themes counted | sentence macro-F1 | false alarms |",
        "|---|---|---|---|---|---|",
        *(
            f"| {g['family']} | {g['documents']} | {g['sentences']:,} | {g['themes_supported']} | "
            + ("–" if g["macro_f1_supported"] is None else f"{g['macro_f1_supported']:.3f}")
            + f" | {100 * g['false_alarm_rate']:.1f}% |"
            for g in rows
        ),
        "",
    ]


def write_markdown(r: dict, path: Path) -> None:
    real = r["real_text"]
    lines = [
        "# BENCHMARKS",
        "",
        f"Measured by `make bench` (`python benchmarks/run.py`) on {r['machine']}, {r['date']}. Every "
        "figure below was measured in that run. Test parts give the final figures; dev parts chose "
        "the models and their thresholds. Speeds on this shared machine vary by up to about 1.5x "
        f"between runs. Default model: `{r['default_model']}`."
        + (
            " `transformer` is not shipped: it is measured when `make transformer` has built it."
            if any(m["name"] == "transformer" for m in r["models"])
            else ""
        ),
        "",
        "## Quality on real text: coroners' Prevention of Future Deaths reports (test part)",
        "",
    ]
    if real:
        lines += [
            "85 real reports never used for training or tuning (labels by offsets and hashes in "
            "`corpus/real/`; two annotators agree at Cohen's kappa 0.85 to 0.90 on the themes that "
            "occur). Only two themes are common in these reports; *supported* macro-F1 averages the "
            "themes with at least 20 positive sentences (sentence level) or 10 positive reports "
            "(document level), as the targets are defined.",
            "",
            "| model | sentence macro-F1 (all themes) | document macro-F1 (all themes) | sentence macro-F1 (supported) | document macro-F1 (supported) | false alarms on no-theme sentences |",
            "|---|---|---|---|---|---|",
            *_quality_rows(r, "real_test"),
            "",
            "Targets (issue 10): supported sentence macro-F1 >= 0.70, supported document macro-F1 >= 0.85, "
            "false alarms <= 1.5%.",
            "",
            *_per_theme(r, "real_test"),
        ]
    else:
        lines.append("Not measured in this run: SCR_NLP_PFD_CSV was not set (see the README).")
    lines += [
        "",
        "## Quality on the corpus (test split) and the separately written samples",
        "",
        "| model | corpus test sentence macro-F1 | corpus test document macro-F1 | false alarms |",
        "|---|---|---|---|",
        *_quality_rows(r, "corpus_test"),
        "",
        "| model | samples sentence macro-F1 | samples document macro-F1 | false alarms |",
        "|---|---|---|---|",
        *_quality_rows(r, "samples"),
        "",
        "Targets (issue 10): corpus test sentence macro-F1 >= 0.85, document macro-F1 >= 0.92.",
        "",
        "Per theme, corpus test split:",
        "",
        *_per_theme(r, "corpus_test"),
        "",
        *_genre_lines(r),
        "Per theme, samples (42 documents written separately from the corpus):",
        "",
        *_per_theme(r, "samples"),
        "",
        "## Speed",
        "",
        "| model | sentences/s in one process (segmentation included) | model load s | training s |",
        "|---|---|---|---|",
        *(
            f"| {m['name']} | {m['sentences_per_second_one_process']:,} | {m['load_seconds']} | {m['training_seconds']} |"
            for m in r["models"]
        ),
        "",
        "| `scr-nlp tag-batch`, end to end with start-up | workers | documents | words each | seconds | documents/s |",
        "|---|---|---|---|---|---|",
        *(
            f"| {b['model']} | {b['workers']} | {b['documents']} | {b['words_per_document']:,} | {b['seconds']} | {b['documents_per_second']} |"
            for b in r["batch"]
        ),
        "",
        f"- `scr-nlp tag FILE` on one {r['tag_file']['words']:,}-word summary with the default model: "
        f"{r['tag_file']['wall_seconds_median']} s wall (median of 3; target 2.5 s).",
        f"- `scr-nlp --help`: {r['startup']['help_seconds_median']} s (median of 5).",
        f"- Segmentation: {r['segmentation']['words_per_second']:,} words/s in one process on "
        f"{r['segmentation']['words']:,} words.",
        f"- Peak resident memory of a child process: {r['peak_rss_mb_children']} MB.",
        "",
        "Targets (issue 10): default model >= 5 three-thousand-word documents/s in `tag-batch` on 2 cores; "
        "linear >= 20/s; `tag FILE` <= 2.5 s.",
        "",
    ]
    facts = r.get("facts")
    if facts:
        lines += ["## Case facts read from the text", "", *_facts_lines(r)]
    lines += ["", "Reproduce: `make bench` (writes this file and `benchmarks/results.json`).", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="BENCHMARKS.md")
    parser.add_argument(
        "--from-results", action="store_true", help="Rewrite the Markdown from results.json."
    )
    args = parser.parse_args()
    if args.from_results:
        write_markdown(
            json.loads((ROOT / "benchmarks" / "results.json").read_text()), ROOT / args.out
        )
        return
    real = get_settings().pfd_csv is not None
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        default = default_name()
        r = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "date": time.strftime("%Y-%m-%d"),
            "default_model": default,
            "real_text": real,
            "startup": bench_startup(),
            "segmentation": bench_segmentation(),
            "models": [m for m in (bench_model(n, real, n == default) for n in MODELS) if m],
            "tag_file": bench_tag_file(tmp),
            "batch": [
                bench_batch(tmp, default, 40, 2),
                bench_batch(tmp, "linear", 200, 2),
            ],
            "facts": bench_facts(real),
        }
        r["peak_rss_mb_children"] = round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        )
        shutil.rmtree(tmp, ignore_errors=True)
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(r, indent=1) + "\n")
    write_markdown(r, ROOT / args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
