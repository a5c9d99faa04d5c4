# scr-nlp: `make run` and `make test` work from a fresh clone (they install first).
PY      ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install run test test-fast lint format bench corpus models retrain samples clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "need $(PY) on PATH"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first and pinned: 2.13.0 is the local CPU build; anything else pulls CUDA.
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: install
	$(BIN)/scr-nlp tag-batch corpus/samples --manifest corpus/samples/manifest.csv --out results/samples.jsonl --quiet
	$(BIN)/scr-nlp aggregate results/samples.jsonl --by year_band
	$(BIN)/scr-nlp aggregate results/samples.jsonl --by region
	$(BIN)/scr-nlp report results/samples.jsonl --out report.html
	@echo "report written to report.html"

test: install
	$(BIN)/scr-nlp corpus validate
	$(BIN)/python -m pytest -q

test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

LINTED := src tests benchmarks corpus/tools

lint: install
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

format: install
	$(BIN)/ruff check --fix $(LINTED)
	$(BIN)/ruff format $(LINTED)

# The transformer (about 90 MB) is not committed; it is rebuilt deterministically.
models/transformer/meta.json: | install
	$(BIN)/scr-nlp train --model transformer --out models/transformer

bench: install models/transformer/meta.json
	$(BIN)/python benchmarks/run.py --out BENCHMARKS.md

corpus: install
	$(BIN)/python corpus/tools/build.py
	$(BIN)/scr-nlp corpus validate
	$(BIN)/scr-nlp corpus stats

samples: install
	$(BIN)/python corpus/tools/make_samples.py

models: install
	$(BIN)/scr-nlp train --model linear --out models/linear
	$(BIN)/scr-nlp train --model keyword --out models/keyword
	$(BIN)/scr-nlp train --model transformer --out models/transformer

retrain: install
	$(BIN)/scr-nlp retrain $(ANNOTATIONS)

clean:
	rm -rf $(VENV) results report.html .pytest_cache
