"""A spaCy pipeline component: ``nlp.add_pipe("scr_themes")``.

Registered through the ``spacy_factories`` entry point, so it works in a user's
own pipeline without importing scr_nlp first. Follows spaCy's predict ->
set_annotations split. Sets ``doc._.themes`` ({theme: document score} for themes
carried) and ``span._.themes`` on each sentence ({theme: score} for themes
carried); the ``theme_scores`` extensions hold every theme's score.
"""

from __future__ import annotations

from scr_nlp._lazy import import_spacy

spacy = import_spacy()
from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc, Span  # noqa: E402

from scr_nlp.taxonomy import THEME_IDS  # noqa: E402

for _name, _default in (("themes", None), ("theme_scores", None), ("scr_sentence_scores", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def _span_scores(span):
    table = span.doc._.scr_sentence_scores or {}
    return table.get((span.start_char, span.end_char))


if not Span.has_extension("theme_scores"):
    Span.set_extension("theme_scores", getter=_span_scores)
    Span.set_extension(
        "themes",
        getter=lambda span: (
            None
            if _span_scores(span) is None
            else {
                t: s
                for t, s in _span_scores(span)["scores"].items()
                if t in _span_scores(span)["labels"]
            }
        ),
    )


class ThemeComponent:
    def __init__(self, nlp, name: str, model: str | None, threshold: float | None):
        from scr_nlp.models.store import load_model

        self.name = name
        self.model = load_model(model)
        self.thresholds = self.model.threshold_array(threshold)

    def predict(self, docs):
        from scr_nlp.models.base import with_neighbours
        from scr_nlp.segmenting import scr_sentencizer

        out = []
        for doc in docs:
            if not doc.has_annotation("SENT_START"):
                scr_sentencizer(doc)
            sents = list(doc.sents)
            inputs = with_neighbours([s.text.strip() for s in sents])
            out.append((sents, self.model.predict_proba(inputs)))
        return out

    def set_annotations(self, docs, predictions) -> None:
        for doc, (sents, scores) in zip(docs, predictions, strict=True):
            table = {}
            carried = scores >= self.thresholds
            for i, sent in enumerate(sents):
                table[(sent.start_char, sent.end_char)] = {
                    "scores": {t: float(scores[i, j]) for j, t in enumerate(THEME_IDS)},
                    "labels": [t for j, t in enumerate(THEME_IDS) if carried[i, j]],
                }
            doc._.scr_sentence_scores = table
            doc_scores = {
                t: float(scores[:, j].max()) if len(sents) else 0.0 for j, t in enumerate(THEME_IDS)
            }
            doc._.theme_scores = doc_scores
            doc._.themes = {
                t: doc_scores[t]
                for j, t in enumerate(THEME_IDS)
                if len(sents) and carried[:, j].any()
            }

    def __call__(self, doc):
        self.set_annotations([doc], self.predict([doc]))
        return doc

    def pipe(self, stream, batch_size: int = 32):
        from itertools import islice

        stream = iter(stream)
        while batch := list(islice(stream, batch_size)):
            self.set_annotations(batch, self.predict(batch))
            yield from batch


@Language.factory("scr_themes", default_config={"model": None, "threshold": None})
def make_theme_component(nlp, name: str, model: str | None, threshold: float | None):
    return ThemeComponent(nlp, name, model, threshold)
