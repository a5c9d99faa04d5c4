"""int8 weight products with one scale per token: close to float32, batch-independent."""

from __future__ import annotations

import numpy as np
import pytest

from scr_nlp.models.quantise import WEIGHT_LEVELS, quantise_weight_products

from .conftest import TRAIN


def _matmul_graph(weight: np.ndarray):
    """y = x @ weight, z = y @ y^T: one product with a constant, one between activations."""
    from onnx import TensorProto, helper, numpy_helper

    nodes = [
        helper.make_node("Constant", [], ["w"], value=numpy_helper.from_array(weight)),
        helper.make_node("MatMul", ["x", "w"], ["y"]),
        helper.make_node("Transpose", ["y"], ["yt"], perm=[1, 0]),
        helper.make_node("MatMul", ["y", "yt"], ["z"]),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["rows", weight.shape[0]])],
        [
            helper.make_tensor_value_info("y", TensorProto.FLOAT, ["rows", weight.shape[1]]),
            helper.make_tensor_value_info("z", TensorProto.FLOAT, ["rows", "rows"]),
        ],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def _run(model, x):
    import onnxruntime

    session = onnxruntime.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {"x": x})


def test_only_products_with_a_constant_matrix_are_rewritten():
    rng = np.random.default_rng(0)
    weight = rng.normal(size=(16, 8)).astype(np.float32)
    model = _matmul_graph(weight)
    assert quantise_weight_products(model) == 1
    ops = [n.op_type for n in model.graph.node]
    assert ops.count("MatMul") == 1 and "MatMulIntegerToFloat" in ops and "Constant" not in ops
    from onnx import TensorProto, numpy_helper

    codes = [i for i in model.graph.initializer if i.data_type == TensorProto.INT8]

    assert np.abs(numpy_helper.to_array(codes[0])).max() == WEIGHT_LEVELS
    x = rng.normal(size=(5, 16)).astype(np.float32)
    y, _ = _run(model, x)
    np.testing.assert_allclose(y, x @ weight, atol=0.05 * np.abs(x @ weight).max())


def test_weights_held_as_initializers_are_rewritten_too_and_only_once():
    from onnx import numpy_helper

    rng = np.random.default_rng(2)
    weight = rng.normal(size=(16, 8)).astype(np.float32)
    model = _matmul_graph(weight)
    constant = model.graph.node[0]
    model.graph.initializer.append(numpy_helper.from_array(weight, constant.output[0]))
    model.graph.node.remove(constant)
    assert quantise_weight_products(model) == 1
    assert [i.name for i in model.graph.initializer if i.name == "w"] == []
    assert quantise_weight_products(model) == 0  # nothing left to rewrite, nothing added
    x = rng.normal(size=(3, 16)).astype(np.float32)
    np.testing.assert_allclose(_run(model, x)[0], x @ weight, atol=0.05 * np.abs(x @ weight).max())


def test_each_row_is_scaled_alone():
    """A row with a huge value beside it keeps its own resolution and its own result."""
    rng = np.random.default_rng(1)
    weight = rng.normal(size=(16, 8)).astype(np.float32)
    model = _matmul_graph(weight)
    quantise_weight_products(model)
    x = rng.normal(size=(2, 16)).astype(np.float32)
    alone, _ = _run(model, x[:1])
    beside_outlier, _ = _run(model, np.vstack([x[:1], 1000 * x[1:]]))
    np.testing.assert_array_equal(alone[0], beside_outlier[0])


@pytest.fixture
def encoders(tiny_encoder_dir, tmp_path, monkeypatch):
    from scr_nlp.models.minilm import OnnxSentenceEncoder

    monkeypatch.setenv("SCR_NLP_CACHE", str(tmp_path / "cache"))
    return (
        OnnxSentenceEncoder(tiny_encoder_dir, threads=1),
        OnnxSentenceEncoder(tiny_encoder_dir, threads=1, precision="int8"),
    )


def test_int8_encoder_is_close_to_float32_and_cached_beside_it(encoders, tmp_path):
    full, int8 = encoders
    texts = [t for t, _ in TRAIN]
    cosine = (full.encode(texts) * int8.encode(texts)).sum(axis=1)
    assert cosine.min() > 0.99
    assert full.graph != int8.graph
    import onnx

    ops = [n.op_type for n in onnx.load(str(int8.graph)).graph.node]
    assert "MatMulIntegerToFloat" in ops and "MatMul" in ops  # attention stays float32
    assert sorted(p.name for p in (tmp_path / "cache").glob("encoder-*.onnx")) == sorted(
        [full.graph.name, int8.graph.name]
    )


def test_int8_encoder_gives_a_sentence_the_same_embedding_in_any_batch(encoders):
    """Up to float32 rounding, as the float32 encoder: padding changes shapes, not scales."""
    _, int8 = encoders
    texts = [t for t, _ in TRAIN]
    together = int8.encode(texts, batch_size=16)
    for i in (0, 5, len(texts) - 1):
        np.testing.assert_allclose(int8.encode([texts[i]])[0], together[i], atol=1e-6)


def test_an_unknown_precision_is_refused(tiny_encoder_dir):
    from scr_nlp.errors import ModelError
    from scr_nlp.models.minilm import OnnxSentenceEncoder

    with pytest.raises(ModelError, match="precision must be one of"):
        OnnxSentenceEncoder(tiny_encoder_dir, precision="int4")
