"""Write src/scr_nlp/lexicon.txt: the words of the corpus's train split (twice or more).

Clean-up uses it to decide whether a word broken across lines at a hyphen ("mid-" /
"wife", "decision-" / "making") is one word or a hyphenated compound, when the document
itself does not say. Only train text is read, so dev and test documents clean as unseen
ones do. Run: python corpus/tools/build_lexicon.py [CORPUS] [OUT]
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_BROKEN = re.compile(r"[A-Za-z]+-\s*\n\s*[A-Za-z]+")  # a word split at a line end: not evidence
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
MIN_COUNT = 2


def lexicon_words(corpus: Path) -> list[str]:
    counts: Counter[str] = Counter()
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record.get("split") == "train":
                counts.update(_WORD.findall(_BROKEN.sub(" ", record["text"]).lower()))
    return sorted(word for word, n in counts.items() if n >= MIN_COUNT)


def main(argv: list[str]) -> None:
    corpus = Path(argv[0]) if argv else ROOT / "corpus" / "scr_corpus.jsonl"
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "src" / "scr_nlp" / "lexicon.txt"
    words = lexicon_words(corpus)
    out.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(words)} words)")


if __name__ == "__main__":
    main(sys.argv[1:])
