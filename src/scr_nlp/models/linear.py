"""``linear``: TF-IDF word and character n-grams plus neighbour context, one logistic
regression per theme. Saved as JSON vocabularies and safetensors arrays (no pickle)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from scr_nlp.models.base import SentenceInput, ThemeClassifier, fit_theme_heads
from scr_nlp.models.config import LinearConfig
from scr_nlp.models.negation import is_negation
from scr_nlp.models.tfidf import TfidfRows, char_wb_ngrams, word_ngrams
from scr_nlp.taxonomy import THEME_IDS

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")
_SCOPE_END = frozenset('.,;:!?()"')
_NEGATION_SCOPE = 4


def mark_negation(text: str) -> str:
    """Prefix the few words after a negation cue with ``neg_``, so that "was seen" and
    "was not seen" become different features ("not seen" -> "not neg_seen")."""
    out: list[str] = []
    scope = 0
    for token in _TOKEN.findall(text.lower()):
        if token in _SCOPE_END:
            scope = 0
            out.append(token)
        elif is_negation(token):
            scope = _NEGATION_SCOPE
            out.append(token)
        elif scope:
            out.append("neg_" + token)
            scope -= 1
        else:
            out.append(token)
    return " ".join(out)


class LinearThemeClassifier(ThemeClassifier):
    type_name = "linear"
    version = "v1"

    def __init__(self, config: LinearConfig | None = None):
        super().__init__(config or LinearConfig())
        self.word_ = self.char_ = self.context_ = None  # fitted vectorisers: training only
        self.vocabulary_: dict[str, list[str]] = {}
        self.idf_: dict[str, object] = {}
        self._rows: tuple | None = None
        self.coef_ = self.intercept_ = None

    # -- features
    def _vectorizers(self):
        from sklearn.feature_extraction.text import TfidfVectorizer

        cfg = self.config
        word = TfidfVectorizer(
            ngram_range=(1, cfg.word_ngram_max),
            min_df=cfg.min_df,
            sublinear_tf=True,
            token_pattern=r"\S+",
            lowercase=False,
            dtype=_float32(),
        )
        char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=tuple(cfg.char_ngram_range),
            min_df=cfg.min_df,
            sublinear_tf=True,
            max_features=120_000,
            dtype=_float32(),
        )
        context = TfidfVectorizer(
            ngram_range=(1, 1),
            min_df=cfg.min_df,
            sublinear_tf=True,
            token_pattern=r"\S+",
            lowercase=False,
            dtype=_float32(),
        )
        return word, char, context

    def _training_features(self, sentences: list[SentenceInput]):
        from scipy.sparse import hstack

        marked = [mark_negation(s.text) for s in sentences]
        lowered = [s.text.lower() for s in sentences]
        self.word_, self.char_, self.context_ = self._vectorizers()
        self.context_.fit(marked)
        parts = [self.word_.fit_transform(marked), self.char_.fit_transform(lowered)]
        parts.append(self._context(sentences, marked) * self.config.context_weight)
        for name, vec in (("word", self.word_), ("char", self.char_), ("context", self.context_)):
            self.vocabulary_[name] = sorted(vec.vocabulary_, key=vec.vocabulary_.get)
            self.idf_[name] = vec.idf_.astype("float32")
        self._rows = None
        return hstack(parts, format="csr")

    def _context(self, sentences: list[SentenceInput], marked: list[str]):
        """Previous plus next sentence as bag-of-words rows, for training. Neighbours are
        nearly always sentences of the same batch, so each distinct text is vectorised once."""
        from scipy.sparse import csr_matrix, vstack

        index = {s.text: i for i, s in enumerate(sentences)}
        extra = list(
            dict.fromkeys(
                t for s in sentences for t in (s.prev_text, s.next_text) if t and t not in index
            )
        )
        index.update({t: len(sentences) + k for k, t in enumerate(extra)})
        rows = self.context_.transform(marked + [mark_negation(t) for t in extra])
        rows = vstack([rows, csr_matrix((1, rows.shape[1]), dtype=rows.dtype)], format="csr")
        empty = rows.shape[0] - 1
        prev = [index[s.prev_text] if s.prev_text else empty for s in sentences]
        nxt = [index[s.next_text] if s.next_text else empty for s in sentences]
        return rows[prev] + rows[nxt]

    def _row_builders(self) -> tuple:
        """Per block (word, char, context): its row builder and its slice of the weights as
        float64 (features x themes); built once, not on every call."""
        import numpy as np

        if self._rows is None:
            cfg = self.config
            analysers = {
                "word": word_ngrams(cfg.word_ngram_max),
                "char": char_wb_ngrams(*cfg.char_ngram_range),
                "context": word_ngrams(1),
            }
            coef = self.coef_.T.astype(np.float64)
            blocks, start = [], 0
            for n in ("word", "char", "context"):
                builder = TfidfRows(self.vocabulary_[n], self.idf_[n], analysers[n])
                end = start + len(builder.index)
                blocks.append((builder, coef[start:end]))
                start = end
            self._rows = tuple(blocks)
        return self._rows

    def _margins(self, sentences: list[SentenceInput], own_words: bool = False):
        """(X @ coef.T + intercept, and when ``own_words`` {text: the margin of its own words
        alone} for each text of the batch and its neighbours). The model is linear, so each
        neighbour's context margin is computed once per distinct text and added where it
        is a neighbour."""
        (word, word_w), (char, char_w), (context, context_w) = self._row_builders()
        marked = [mark_negation(s.text) for s in sentences]
        margins = word.dot(marked, word_w) + char.dot([s.text for s in sentences], char_w)
        own = (
            dict(zip((s.text for s in sentences), margins + self.intercept_, strict=True))
            if own_words
            else None
        )
        neighbours = list(
            dict.fromkeys(t for s in sentences for t in (s.prev_text, s.next_text) if t)
        )
        if neighbours:
            known = {s.text: m for s, m in zip(sentences, marked, strict=True)}
            neighbours_marked = [known.get(t) or mark_negation(t) for t in neighbours]
            around = context.dot(neighbours_marked, context_w)
            row = {t: i for i, t in enumerate(neighbours)}
            for i, s in enumerate(sentences):
                for t in (s.prev_text, s.next_text):
                    if t:
                        margins[i] += self.config.context_weight * around[row[t]]
            outside = [i for i, t in enumerate(neighbours) if own is not None and t not in own]
            if outside:  # neighbours that are not sentences of the batch
                texts = [neighbours[i] for i in outside]
                alone = word.dot([neighbours_marked[i] for i in outside], word_w)
                alone += char.dot(texts, char_w)
                own |= dict(zip(texts, alone + self.intercept_, strict=True))
        return margins + self.intercept_, own

    # -- contract
    def fit(self, sentences, labels, progress=None):
        from sklearn.linear_model import LogisticRegression

        X = self._training_features(sentences)
        self.coef_, self.intercept_ = fit_theme_heads(
            X,
            labels,
            lambda: LogisticRegression(
                C=self.config.c,
                class_weight="balanced",
                solver="liblinear",
                max_iter=2000,
                random_state=self.config.seed,
            ),
            progress,
        )
        return self

    def predict_proba(self, sentences):
        return self._probabilities(sentences, own_words=False)[0]

    def predict_proba_and_own(self, sentences):
        """(predict_proba, {text: its best theme probability from its own words alone} for
        each text of the batch and its neighbours): a sentence's own words do not depend on
        which sentences share its batch, so a screen on them does not either."""
        return self._probabilities(sentences, own_words=True)

    def _probabilities(self, sentences, own_words: bool):
        import numpy as np

        if self.coef_ is None:
            raise RuntimeError("the linear classifier is not fitted")
        if not sentences:
            return np.zeros((0, len(THEME_IDS)), dtype=np.float32), {} if own_words else None
        margins, own = self._margins(sentences, own_words)
        proba = (1.0 / (1.0 + np.exp(-margins))).astype(np.float32)
        if own is None:
            return proba, None
        best = 1.0 / (1.0 + np.exp(-np.stack(list(own.values())).max(axis=1)))
        return proba, dict(zip(own, best.tolist(), strict=True))

    def save_weights(self, directory: Path) -> list[str]:
        import numpy as np
        from safetensors.numpy import save_file

        arrays = {"coef": self.coef_, "intercept": self.intercept_}
        arrays |= {f"idf_{name}": np.asarray(idf, np.float32) for name, idf in self.idf_.items()}
        save_file(arrays, str(directory / "linear.safetensors"))
        try:
            data = json.dumps(self.vocabulary_, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate in the training text survives as \u escapes
            data = json.dumps(self.vocabulary_).encode("ascii")
        (directory / "vocabulary.json").write_bytes(data)
        return ["linear.safetensors", "vocabulary.json"]

    @classmethod
    def load_weights(cls, directory: Path, config: LinearConfig) -> LinearThemeClassifier:
        from safetensors.numpy import load_file

        model = cls(config)
        arrays = load_file(str(directory / "linear.safetensors"))
        vocab = json.loads((directory / "vocabulary.json").read_text(encoding="utf-8"))
        model.vocabulary_ = {name: vocab[name] for name in ("word", "char", "context")}
        model.idf_ = {name: arrays[f"idf_{name}"] for name in model.vocabulary_}
        model.coef_ = arrays["coef"]
        model.intercept_ = arrays["intercept"]
        return model


def _float32():
    import numpy as np

    return np.float32
