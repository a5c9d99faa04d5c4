"""Write the corpus the shipped models were trained on, and check it is that corpus.

    .venv/bin/python corpus/tools/shipped_corpus.py OUT.jsonl   (what `make models` runs)

The corpus grew after the shipped models were trained (corpus/README.md: a model
trained with the fourth round's writers w22-w25 was measured and not adopted).
Retraining on today's corpus would give a different model, so `make models` retrains
on the corpus each shipped model recorded by sha256 in its ``meta.json``: today's
corpus if that is it, else today's corpus without the later writers (their earlier
documents are unchanged). Exit 1 when neither matches.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus" / "scr_corpus.jsonl"
SHIPPED_MODELS = ("hybrid", "linear", "keyword")
# Writers whose documents came after the shipped models were trained.
LATER_WRITERS = ("w22", "w23", "w24", "w25")


def shipped_lines(lines: list[bytes]) -> list[bytes]:
    return [line for line in lines if json.loads(line)["doc_id"].split("-")[0] not in LATER_WRITERS]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: shipped_corpus.py OUT.jsonl", file=sys.stderr)
        return 2
    out = Path(argv[0])
    # Bytes, hashed as training hashes the corpus file it reads.
    lines = CORPUS.read_bytes().splitlines(keepends=True)
    candidates = {
        hashlib.sha256(data).hexdigest(): data
        for data in (b"".join(lines), b"".join(shipped_lines(lines)))
    }
    recorded = {
        json.loads((ROOT / "models" / name / "meta.json").read_text(encoding="utf-8"))[
            "training_data"
        ]["sha256"]
        for name in SHIPPED_MODELS
    }
    if len(recorded) != 1 or not recorded <= candidates.keys():
        print(
            f"shipped_corpus: the shipped models record corpus sha256 "
            f"{', '.join(sorted(h[:12] for h in recorded))}; today's corpus, with or without "
            f"writers {', '.join(LATER_WRITERS)}, hashes to "
            f"{', '.join(h[:12] for h in candidates)}",
            file=sys.stderr,
        )
        return 1
    digest = recorded.pop()
    data = candidates[digest]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    documents = data.count(b"\n")
    print(f"wrote {out} ({documents} documents, sha256 {digest[:12]}…)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
