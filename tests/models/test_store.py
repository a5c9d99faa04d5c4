from __future__ import annotations

import json

import pytest

from scr_nlp.errors import ModelError
from scr_nlp.models.keyword import KeywordThemeClassifier
from scr_nlp.models.store import ThemeModel, load_model, save_model
from scr_nlp.taxonomy import THEME_IDS


@pytest.fixture
def saved(tmp_path):
    model = ThemeModel(
        KeywordThemeClassifier(), {t: 0.5 for t in THEME_IDS}, {"type": "keyword", "seed": 1}
    )
    return save_model(model, tmp_path / "kw")


def test_meta_and_card(saved):
    meta = json.loads((saved / "meta.json").read_text())
    assert meta["themes"] == list(THEME_IDS)
    assert meta["registered_name"] == "scr_nlp.keyword.v1"
    assert set(meta["files"]) == {"rules.json", "MODEL_CARD.md"}
    assert len(meta["content_sha256"]) == 64
    assert "Intended use" in (saved / "MODEL_CARD.md").read_text()
    assert not list(saved.glob("*.pkl")) and not list(saved.glob("*.joblib"))


def test_tampered_weights_refused(saved):
    rules = saved / "rules.json"
    rules.write_text(rules.read_text().replace("0.95", "0.05"))
    with pytest.raises(ModelError, match="tampered"):
        load_model(saved)


def test_foreign_taxonomy_refused(saved):
    meta = json.loads((saved / "meta.json").read_text())
    meta["themes"] = [*THEME_IDS[:4], "poverty"]
    (saved / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match=r"missing \['agency_absence'\]; unknown \['poverty'\]"):
        load_model(saved)


def test_reordered_taxonomy_refused(saved):
    meta = json.loads((saved / "meta.json").read_text())
    meta["themes"] = list(reversed(THEME_IDS))
    (saved / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="order"):
        load_model(saved)


def test_not_a_model(tmp_path):
    with pytest.raises(ModelError, match="no such model directory"):
        load_model(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="no meta.json"):
        load_model(tmp_path / "empty")


def test_thresholds_applied(saved):
    from scr_nlp.tagging import Tagger

    text = "Child A was never seen alone by any practitioner."
    assert Tagger.load(saved).tag(text).labels == ("child_not_seen",)
    assert Tagger.load(saved, threshold=0.99).tag(text).labels == ()


def test_edited_meta_json_refused(saved):
    meta = json.loads((saved / "meta.json").read_text())
    meta["thresholds"] = {t: 0.0 for t in THEME_IDS}  # every theme would fire
    (saved / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="meta.json does not match its content hash"):
        load_model(saved)


def test_edited_model_card_refused(saved):
    card = saved / "MODEL_CARD.md"
    card.write_text(card.read_text() + "\nClaims 0.99 on everything.\n")
    with pytest.raises(ModelError, match="MODEL_CARD.md does not match"):
        load_model(saved)
