"""A spaCy pipeline component: ``nlp.add_pipe("scr_themes")``.

Registered through the ``spacy_factories`` entry point, so it works in a user's own
pipeline without importing scr_nlp first. It tags ``doc.text`` with ``Tagger`` — the
same clean-up, segmentation, scores and decision rule as ``scr-nlp tag`` — then
follows spaCy's conventions:

- ``doc.cats``: document scores per theme, scaled so that a document carries a theme
  exactly when ``doc.cats[theme] >= 0.5`` (spaCy's default threshold), as ``Tagger``
  decides it;
- ``doc.spans["scr_evidence"]``: every sentence that carries a theme, one span per
  theme, labelled with the theme id;
- ``doc._.scr_result``: the full ``TagResult`` (raw scores, every sentence).

``nlp.to_disk`` copies the model into the pipeline directory, so a saved pipeline
loads the very model it was saved with.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from scr_nlp._lazy import import_spacy

spacy = import_spacy()
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc  # noqa: E402

from scr_nlp.taxonomy import THEME_IDS  # noqa: E402

SPAN_GROUP = "scr_evidence"
_MODEL_DIR = "model"

if not Doc.has_extension("scr_result"):
    Doc.set_extension("scr_result", default=None)


def scaled_score(score: float, threshold: float) -> float:
    """Map [0, threshold) to [0, 0.5) and [threshold, 1] to [0.5, 1], keeping the order."""
    if threshold <= 0:
        return 0.5 + 0.5 * score
    if threshold >= 1:
        return 0.5 * score
    if score < threshold:
        return 0.5 * score / threshold
    return 0.5 + 0.5 * (score - threshold) / (1 - threshold)


class ThemeComponent:
    def __init__(self, nlp, name: str, model: str | None, threshold: float | None):
        self.name = name
        self.threshold = threshold
        self._model_ref = model
        self._tagger = None

    @property
    def tagger(self):
        if self._tagger is None:
            from scr_nlp.tagging import Tagger

            self._tagger = Tagger.load(self._model_ref, self.threshold)
        return self._tagger

    def predict(self, docs):
        import hashlib

        from scr_nlp.records import RawDocument

        return [
            self.tagger.tag(
                RawDocument(
                    "<doc>", hashlib.sha256(doc.text.encode()).hexdigest(), "string", doc.text
                )
            )
            for doc in docs
        ]

    def set_annotations(self, docs, results) -> None:
        decision = self.tagger.decision
        for doc, result in zip(docs, results, strict=True):
            doc._.scr_result = result
            doc.cats = {
                t: scaled_score(result.scores[t], decision.document[j])
                for j, t in enumerate(THEME_IDS)
            }
            doc.spans[SPAN_GROUP] = [
                doc.char_span(sentence.start, sentence.end, label=t, alignment_mode="expand")
                for sentence in result.sentences
                for t in sentence.labels
            ]

    def __call__(self, doc):
        self.set_annotations([doc], self.predict([doc]))
        return doc

    def pipe(self, stream, batch_size: int = 32):
        from itertools import islice

        stream = iter(stream)
        while batch := list(islice(stream, batch_size)):
            self.set_annotations(batch, self.predict(batch))
            yield from batch

    # -- serialisation: the pipeline carries its own copy of the model
    def to_disk(self, path, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        target = path / _MODEL_DIR
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(self.tagger.model.path, target)

    def from_disk(self, path, exclude=()):
        self._model_ref = str(Path(path) / _MODEL_DIR)
        self._tagger = None
        self.tagger  # load and verify now, not at the first document  # noqa: B018
        return self


@Language.factory("scr_themes", default_config={"model": None, "threshold": None})
def make_theme_component(nlp, name: str, model: str | None, threshold: float | None):
    return ThemeComponent(nlp, name, model, threshold)
