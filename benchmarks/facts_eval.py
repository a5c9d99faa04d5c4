"""Case facts against the gold: samples, the corpus test split and the real coroners' reports.

Prints per-field precision / recall / support (a prediction counts only when stated),
agencies micro P/R/F1, and the extraction time per 3,000-word document beside the tagging
time of the default model on the same documents. The real reports are read from the CSV
at $SCR_NLP_PFD_CSV (default ../shared/real/pfd_reports.csv beside the repository) and
skipped with a reason when it is absent; their text is never printed.

    python benchmarks/facts_eval.py [--no-speed]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from scr_nlp.facts import evaluate_facts, extract_facts  # noqa: E402
from scr_nlp.segmenting import segment_file, segment_text  # noqa: E402

FACTS = ROOT / "corpus" / "facts"
FIELDS = (
    "child_age_band",
    "child_age_years",
    "outcome",
    "year",
    "review_type",
    "known_to_social_care",
    "child_protection_plan",
)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def samples() -> tuple[list[dict], list]:
    gold = read_jsonl(FACTS / "gold_samples.jsonl")
    with open(ROOT / "corpus" / "samples" / "manifest.csv", encoding="utf-8") as f:
        paths = {row["doc_id"]: row["path"] for row in csv.DictReader(f)}
    return gold, [segment_file(ROOT / "corpus" / "samples" / paths[g["doc_id"]]) for g in gold]


def corpus_test() -> tuple[list[dict], list]:
    gold = read_jsonl(FACTS / "gold_test.jsonl")
    texts = {d["doc_id"]: d["text"] for d in read_jsonl(ROOT / "corpus" / "scr_corpus.jsonl")}
    return gold, [segment_text(texts[g["doc_id"]], g["doc_id"]) for g in gold]


def real_reports() -> tuple[list[dict], list] | None:
    path = Path(
        os.environ.get("SCR_NLP_PFD_CSV", ROOT.parent / "shared" / "real" / "pfd_reports.csv")
    )
    if not path.exists():
        print(f"\nreal reports: skipped, {path} not found (set SCR_NLP_PFD_CSV)")
        return None
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8", newline="") as f:
        reports = {row["id"]: row for row in csv.DictReader(f)}
    gold = [
        g
        for g in read_jsonl(ROOT / "corpus" / "real" / "pfd_facts.jsonl")
        if g["report_id"] in reports
    ]
    segs = [
        segment_text(
            reports[g["report_id"]]["circumstances"] + "\n\n" + reports[g["report_id"]]["concerns"]
        )
        for g in gold
    ]
    return gold, segs


def show(name: str, gold: list[dict], segs: list) -> None:
    result = evaluate_facts(gold, [extract_facts(s) for s in segs])
    print(f"\n{name}: {result['documents']} documents")
    print(f"  {'field':<24}{'precision':>10}{'recall':>8}{'support':>9}{'predicted':>11}")
    for field in FIELDS:
        if field in result["fields"]:
            r = result["fields"][field]
            print(
                f"  {field:<24}{_num(r['precision']):>10}{_num(r['recall']):>8}{r['support']:>9}{r['predicted']:>11}"
            )
    stated = result.get("child_age_band_where_age_stated")
    if stated:
        print(
            f"  age band precision where an age is stated: {_num(stated['precision'])} "
            f"({stated['correct']}/{stated['predicted']})"
        )
    a = result["agencies"]
    print(
        f"  agencies micro: precision {_num(a['precision'])}  recall {_num(a['recall'])}  "
        f"F1 {_num(a['f1'])}  (gold {a['support']}, predicted {a['predicted']})"
    )


def _num(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def speed(segs: list) -> None:
    """Milliseconds per 3,000 words, best of five passes after a warm-up (one process).
    Tagging is what a user pays today (segmentation and the default model); extraction
    reuses that segmentation, so its time is what it adds."""
    words = sum(len(s.raw.text.split()) for s in segs)

    def per_3000(run) -> float:
        run()
        best = min(_timed(run) for _ in range(5))
        return best * 1000 / words * 3000

    extraction = per_3000(lambda: [extract_facts(s) for s in segs])
    print(f"\nspeed on the {len(segs)} samples ({words:,} words), per 3,000-word document:")
    print(f"  fact extraction: {extraction:.1f} ms")
    try:
        from scr_nlp.tagging import Tagger

        tagger = Tagger.load()
    except Exception as exc:  # a clone without the shipped model: say so, do not fail
        print(f"  tagging: not measured ({exc})")
        return
    raws = [s.raw for s in segs]
    tagging = per_3000(lambda: list(tagger.tag_many(raws)))
    print(
        f"  tagging with segmentation ({tagger.model.name}): {tagging:.1f} ms; "
        f"facts add {100 * extraction / tagging:.0f}%"
    )


def _timed(run) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-speed", action="store_true", help="skip the timing")
    args = parser.parse_args()
    sample_gold, sample_segs = samples()
    show("samples", sample_gold, sample_segs)
    show("corpus test split", *corpus_test())
    real = real_reports()
    if real:
        show("real coroners' reports", *real)
    if not args.no_speed:
        speed(sample_segs)


if __name__ == "__main__":
    main()
