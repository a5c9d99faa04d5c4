from __future__ import annotations

from scr_nlp.models.card import reproduce_command


def test_reproduce_command_names_every_setting_that_differs_from_the_default():
    meta = {
        "type": "linear",
        "name": "mine",
        "seed": 5,
        "config": {"seed": 5, "c": 0.5, "min_df": 2, "char_ngram_range": [2, 4]},
    }
    assert reproduce_command(meta) == (
        "scr-nlp train --type linear --seed 5 --corpus CORPUS "
        "--set c=0.5 --set char_ngram_range=2,4 --out models/mine"
    )
