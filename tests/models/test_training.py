from __future__ import annotations

import json

from scr_nlp.models.training import train_model


def test_a_setting_the_user_fixes_is_not_tuned_and_seed_can_be_set(tiny_corpus, tmp_path):
    out = tmp_path / "fixed"
    train_model("linear", out, tiny_corpus, config_overrides={"c": 0.5, "seed": 5, "min_df": 1})
    meta = json.loads((out / "meta.json").read_text())
    assert meta["config"]["c"] == 0.5  # not replaced by the tuning grid's 8 or 20
    assert meta["seed"] == 5 and meta["config"]["seed"] == 5
