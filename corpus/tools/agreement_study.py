"""Cohen's kappa per theme between the corpus labels and a blind second annotator.

    .venv/bin/python corpus/tools/agreement_study.py corpus/agreement/sample_round2.json \
        corpus/agreement/annotator2_round2_c.tsv corpus/agreement/annotator2_round2_d.tsv

The second annotator saw each sampled document as numbered sentences (the
segmenter's output) and the codebook only; TSV lines are doc_id, sentence
number, comma-separated themes. Writes <sample>.results.json beside the sample.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from scr_nlp.annotations.agreement import theme_agreement  # noqa: E402
from scr_nlp.corpus.io import labelled_sentences, load_documents  # noqa: E402


def main(sample_path: str, *tsvs: str) -> dict:
    sample = json.loads(Path(sample_path).read_text())["documents"]
    docs = [d for d in load_documents() if d.doc_id in set(sample)]
    second: dict[tuple[str, int], list[str]] = {}
    for tsv in tsvs:
        for line in Path(tsv).read_text().splitlines():
            if line.strip():
                doc_id, number, labels = line.split("\t")
                second[(doc_id, int(number))] = [x.strip() for x in labels.split(",") if x.strip()]
    first, other, items, seen = [], [], [], {}
    for s in labelled_sentences(docs):
        seen[s.doc_id] = seen.get(s.doc_id, 0) + 1
        key = (s.doc_id, seen[s.doc_id])
        first.append(list(s.labels))
        other.append(second.get(key, []))
        items.append(f"{key[0]}#{key[1]}")
    unmatched = sorted(k for k in second if f"{k[0]}#{k[1]}" not in set(items))
    result = theme_agreement([first, other], items)
    result["documents"] = len(docs)
    result["unmatched_annotations"] = [f"{a}#{b}" for a, b in unmatched]
    out = Path(sample_path).with_suffix(".results.json")
    out.write_text(json.dumps(result, indent=1) + "\n")
    for theme, entry in result["themes"].items():
        print(
            f"{theme:<30} kappa {entry['cohen_kappa']}  agreement {entry['percent_agreement']}%  "
            f"positives {entry['positives']}  disagreements {len(entry['disagreements'])}"
        )
    return result


if __name__ == "__main__":
    main(*sys.argv[1:])
