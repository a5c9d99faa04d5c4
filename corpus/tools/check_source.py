"""Check corpus source files and print per-file counts: python3 corpus/tools/check_source.py FILE..."""

import sys
from collections import Counter
from pathlib import Path

sys.path[:0] = [
    str(Path(__file__).resolve().parents[2] / "src"),
    str(Path(__file__).resolve().parent),
]

from sources import parse_source_file  # noqa: E402

from scr_nlp.errors import SourceError  # noqa: E402
from scr_nlp.taxonomy import THEME_IDS  # noqa: E402

paths = [
    p
    for a in sys.argv[1:]
    for p in (sorted(Path(a).glob("*.md")) if Path(a).is_dir() else [Path(a)])
]
totals: Counter = Counter()
doc_themes: Counter = Counter()
failed = 0
for path in paths:
    try:
        src = parse_source_file(path)
    except (SourceError, UnicodeDecodeError) as exc:
        print(f"ERROR {exc}")
        failed += 1
        continue
    c = Counter(label for s in src.spans for label in s["labels"])
    hn = sum(1 for s in src.spans if not s["labels"])
    words = len(src.text.split())
    sents = src.text.count(". ") + src.text.count(".\n") + 1
    totals.update(c)
    totals["hard_negative"] += hn
    totals["words"] += words
    totals["~sentences"] += sents
    totals["documents"] += 1
    doc_themes.update(set(c))
    if not c:
        doc_themes["no_theme"] += 1
    short = " ".join(f"{t[:6]}={c[t]}" for t in THEME_IDS if c[t])
    print(f"ok {path.name}: {src.genre} {words}w ~{sents}s hn={hn} {short}")
print("TOTAL", dict(totals))
print("DOCS WITH THEME", dict(doc_themes))
sys.exit(1 if failed else 0)
