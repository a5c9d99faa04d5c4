from __future__ import annotations

import os
import re

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Encoder exports are cached outside the user's home, shared by the CLI subprocesses.
os.environ.setdefault(
    "SCR_NLP_CACHE", os.path.join(__import__("tempfile").gettempdir(), "scr-nlp-test-cache")
)


# CI draws the same generated examples every run, so a red CI means a change, not an
# unlucky draw; runs elsewhere keep exploring (and replay what failed before).
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


def run_cli(*args: str, **kwargs):
    """Run ``python -m scr_nlp ARGS`` the way a user would; returns the CompletedProcess."""
    import subprocess

    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    return subprocess.run(cli_command(*args), **kwargs)


def cli_command(*args) -> list[str]:
    import sys

    return [sys.executable, "-m", "scr_nlp", *map(str, args)]


def fold(text: str) -> str:
    return " ".join(text.split())


def assert_offsets_faithful(original: str, sentences) -> None:
    """Each sentence maps back to its source: equal after folding whitespace, or (when
    clean-up removed a line-break hyphen or furniture inside it) a deletion-only subsequence."""
    last_end = 0
    for s in sentences:
        assert 0 <= last_end <= s.start < s.end <= len(original), (s, last_end)
        last_end = s.end
        source = fold(original[s.start : s.end]).replace("\ufffe", "-").replace("\u00ad", "-")
        if source == s.text:
            continue
        it = iter(re.sub(r"\s", "", source))
        assert all(ch in it for ch in re.sub(r"\s", "", s.text)), (source, s.text)


def unaccounted_text(seg) -> list[str]:
    """Non-space text of the original in no sentence, no heading and no reported removed span;
    also checks that sentences and headings never overlap. Empty when nothing was lost."""
    text = seg.raw.text
    owner = [0] * len(text)
    spans = [(s.start, s.end) for s in seg.sentences]
    spans += [(sec.start, sec.heading_end) for sec in seg.sections if sec.heading_end is not None]
    for a, b in spans:
        for i in range(a, b):
            assert not owner[i], f"overlap at {i}: {text[a:b]!r}"
            owner[i] = 1
    for a, b in seg.removed:
        for i in range(a, b):
            owner[i] = owner[i] or 2
    lost, run = [], []
    for i, ch in enumerate(text):
        if not owner[i] and not ch.isspace():
            run.append(ch)
        elif run:
            lost.append("".join(run))
            run = []
    return lost + (["".join(run)] if run else [])


@pytest.fixture(scope="session")
def tiny_encoder_dir(tmp_path_factory):
    """A randomly initialised BERT with a vocabulary from the fixture: never a download."""
    import re

    from transformers import BertConfig, BertModel, BertTokenizerFast

    from .models.conftest import TRAIN

    directory = tmp_path_factory.mktemp("tiny-encoder")
    words = sorted({w for t, _ in TRAIN for w in re.findall(r"[a-z]+|[^\sa-z]", t.lower())})
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words]
    tokenizer = BertTokenizerFast(vocab={w: i for i, w in enumerate(vocab)})
    tokenizer.save_pretrained(directory)
    config = BertConfig(
        vocab_size=len(vocab),
        hidden_size=64,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=128,
        max_position_embeddings=128,
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
    )
    import torch

    torch.manual_seed(0)
    BertModel(config).save_pretrained(directory, safe_serialization=True)
    return directory


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A small linear model trained on inline sentences: fast, deterministic, no download."""
    from scr_nlp.models.config import LinearConfig
    from scr_nlp.models.linear import LinearThemeClassifier
    from scr_nlp.models.store import ThemeModel, save_model
    from scr_nlp.taxonomy import THEME_IDS

    from .models.conftest import TRAIN, inputs

    clf = LinearThemeClassifier(LinearConfig(c=50.0, min_df=1)).fit(
        inputs(TRAIN), [lab for _, lab in TRAIN]
    )
    model = ThemeModel(clf, {t: 0.5 for t in THEME_IDS}, {"type": "linear", "seed": 13})
    return save_model(model, tmp_path_factory.mktemp("models") / "tiny")


REVIEW_TEXT = """Serious Case Review: Child A

1. FINDINGS

1.1 Child A was never seen alone by the social worker. No checks were made on Mr X, the new partner.

1.2 The grandmother's calls were logged as malicious. Every agency attended the conference.
"""


def _doc(doc_id, split, rows):
    text, spans = "", []
    for sentence, labels in rows:
        start = len(text)
        text += sentence + " "
        if labels:
            spans.append({"start": start, "end": start + len(sentence), "labels": list(labels)})
    return {
        "doc_id": doc_id,
        "genre": "cspr",
        "split": split,
        "meta": {
            "year": 2020,
            "region": "London",
            "outcome": "death",
            "child_age_band": "1_to_5",
            "review_type": "CSPR",
            "board": "Riverside Borough",
        },
        "text": text.strip(),
        "spans": spans,
    }


@pytest.fixture
def tiny_corpus(tmp_path):
    """Train, dev and test documents from the inline sentences (every theme in each)."""
    import json

    from .models.conftest import TRAIN

    docs = [
        _doc("t1", "train", TRAIN[:7]),
        _doc("t2", "train", TRAIN[7:]),
        _doc("t3", "train", TRAIN[::-1]),
        _doc("d1", "dev", TRAIN[1::2] + TRAIN[::2]),
        _doc("x1", "test", TRAIN),
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    return path
