from __future__ import annotations

import pytest

from scr_nlp.errors import ModelError
from scr_nlp.models.config import HybridConfig, LinearConfig, TransformerConfig, config_from_dict
from scr_nlp.models.registry import MODEL_TYPES, get_model_type


@pytest.mark.parametrize(
    ("cls", "kwargs", "message"),
    [
        (LinearConfig, {"c": -1.0}, "c must be positive and finite, got -1.0"),
        (LinearConfig, {"char_ngram_range": (5, 2)}, "char_ngram_range"),
        (LinearConfig, {"c": float("inf")}, "c must be positive and finite, got inf"),
        (LinearConfig, {"char_ngram_range": (3,)}, "must be two numbers .lo, hi., got .3,."),
        (TransformerConfig, {"epochs": 0}, "epochs must be >= 1, got 0"),
        (TransformerConfig, {"max_length": 4}, "max_length must be 16-512, got 4"),
        (
            HybridConfig,
            {"encoder_precision": "fp16"},
            "encoder_precision must be one of .*, got 'fp16'",
        ),
        (HybridConfig, {"screen": 1.0}, "screen must be in .*, got 1.0"),
    ],
)
def test_configs_name_the_bad_value(cls, kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        cls(**kwargs)


def test_config_round_trip_and_unknown_field():
    assert config_from_dict(LinearConfig, {"c": 2.0, "char_ngram_range": [2, 4]}) == LinearConfig(
        c=2.0, char_ngram_range=(2, 4)
    )
    with pytest.raises(ValueError, match="unknown LinearConfig fields"):
        config_from_dict(LinearConfig, {"colour": "red"})


def test_a_config_saved_before_a_field_existed_keeps_what_it_was_trained_with():
    assert HybridConfig().encoder_precision == "int8"
    assert config_from_dict(HybridConfig, {"seed": 1}).encoder_precision == "float32"
    assert HybridConfig().screen > 0
    assert config_from_dict(HybridConfig, {"seed": 1}).screen == 0  # encoded every sentence
    assert (
        config_from_dict(
            HybridConfig, {"encoder_precision": "int8", "screen": HybridConfig().screen}
        )
        == HybridConfig()
    )


def test_registry_is_lazy_and_versioned():
    import sys

    assert set(MODEL_TYPES) == {"linear", "hybrid", "transformer", "keyword"}
    assert get_model_type("linear").registered_name == "scr_nlp.linear.v1"
    with pytest.raises(ModelError, match="unknown model type"):
        get_model_type("svm")
    with pytest.raises(ModelError, match="version 'v9'"):
        get_model_type("linear", "v9")
    # resolving a type imports only that back end
    assert get_model_type("keyword").load_class().__name__ == "KeywordThemeClassifier"
    assert "scr_nlp.models.keyword" in sys.modules


def test_config_overrides_are_typed_and_checked():
    from scr_nlp.errors import UsageError
    from scr_nlp.models.registry import parse_config_overrides

    assert parse_config_overrides("transformer", {"epochs": "2", "freeze_embeddings": "no"}) == {
        "epochs": 2,
        "freeze_embeddings": False,
    }
    with pytest.raises(UsageError, match="no setting 'epoch'"):
        parse_config_overrides("transformer", {"epoch": "2"})
    with pytest.raises(UsageError, match="'two' is not a int"):
        parse_config_overrides("transformer", {"epochs": "two"})
    with pytest.raises(UsageError, match="epochs must be >= 1"):
        parse_config_overrides("transformer", {"epochs": "0"})
