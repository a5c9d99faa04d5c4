"""``keyword``: transparent regex rules (``keyword_rules.py``) with a simple negation scope.

Fitting learns nothing; it exists so the keyword model goes through the same
train/threshold/evaluate path as the learned models and sits beside them in every report.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from scr_nlp.models.base import SentenceInput, ThemeClassifier
from scr_nlp.models.config import KeywordConfig
from scr_nlp.models.keyword_rules import GUARDS, RULES
from scr_nlp.models.negation import NEGATION_PATTERN
from scr_nlp.taxonomy import THEME_IDS, check_theme_ids

_NEGATION = re.compile(NEGATION_PATTERN, re.I)


class KeywordThemeClassifier(ThemeClassifier):
    type_name = "keyword"
    version = "v1"

    def __init__(
        self,
        config: KeywordConfig | None = None,
        rules: dict | None = None,
        guards: list | None = None,
    ):
        super().__init__(config or KeywordConfig())
        self.rules = rules if rules is not None else RULES
        self.guards = guards if guards is not None else GUARDS
        check_theme_ids(tuple(t for t in THEME_IDS if t in self.rules), "keyword rules")
        self._compiled = [[(re.compile(p, re.I), w) for p, w in self.rules[t]] for t in THEME_IDS]
        self._guards = [re.compile(g, re.I) for g in self.guards]

    def fit(self, sentences, labels, progress=None):
        return self

    def _score(self, text: str) -> list[float]:
        if any(g.search(text) for g in self._guards):
            return [0.0] * len(THEME_IDS)
        scores = []
        for rules in self._compiled:
            best = 0.0
            for pattern, weight in rules:
                m = pattern.search(text)
                if not m or weight <= best:
                    continue
                if not _NEGATION.search(m.group()) and self._negated_before(text, m.start()):
                    continue  # "there was no suggestion that the father was peripheral"
                best = weight
            scores.append(best)
        return scores

    def _negated_before(self, text: str, start: int) -> bool:
        window = (
            text[:start].split()[-self.config.negation_window :]
            if self.config.negation_window
            else []
        )
        return bool(_NEGATION.search(" ".join(window)))

    def predict_proba(self, sentences: list[SentenceInput]):
        import numpy as np

        return np.array([self._score(s.text) for s in sentences], dtype=np.float32).reshape(
            -1, len(THEME_IDS)
        )

    def save_weights(self, directory: Path) -> list[str]:
        payload = {"rules": {t: self.rules[t] for t in THEME_IDS}, "guards": self.guards}
        (directory / "rules.json").write_text(json.dumps(payload, indent=1), encoding="utf-8")
        return ["rules.json"]

    @classmethod
    def load_weights(cls, directory: Path, config: KeywordConfig) -> KeywordThemeClassifier:
        payload = json.loads((directory / "rules.json").read_text(encoding="utf-8"))
        rules = {t: [tuple(r) for r in payload["rules"][t]] for t in payload["rules"]}
        check_theme_ids(tuple(rules), f"{directory}/rules.json")
        return cls(config, rules, payload["guards"])
