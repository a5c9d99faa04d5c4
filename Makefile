# scr-nlp: `make run` and `make test` work from a fresh clone (they install first).
PY      ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
# The real coroners' reports, for tests, training and benchmarks, when a copy is present
# (see the README, "Real-text development set"); without it those steps skip real text.
PFD_CSV ?= $(wildcard ../shared/real/pfd_reports.csv)
export SCR_NLP_PFD_CSV ?= $(abspath $(PFD_CSV))

.PHONY: install run test test-fast lint format bench corpus models transformer retrain samples clean

install: $(STAMP)

$(STAMP): pyproject.toml setup.py
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

LINTED := src tests benchmarks corpus/tools setup.py

lint: install
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

format: install
	$(BIN)/ruff check --fix $(LINTED)
	$(BIN)/ruff format $(LINTED)

bench: install
	$(BIN)/python benchmarks/run.py --out BENCHMARKS.md

corpus: install
	$(BIN)/python corpus/tools/build.py
	$(BIN)/python corpus/tools/build_lexicon.py
	$(BIN)/scr-nlp corpus validate
	$(BIN)/scr-nlp corpus stats

samples: install
	$(BIN)/python corpus/tools/make_samples.py

# The shipped models, retrained deterministically (same data, seed and machine, same model);
# hybrid fine-tunes its encoder first: about 17 minutes on 2 cores. They train on the corpus
# their meta.json records, which is not today's whole corpus (corpus/README.md says why).
SHIPPED_CORPUS := build/shipped/scr_corpus.jsonl
models: install
	$(BIN)/python corpus/tools/shipped_corpus.py $(SHIPPED_CORPUS)
	$(BIN)/scr-nlp train --type hybrid --out models/hybrid --corpus $(SHIPPED_CORPUS)
	$(BIN)/scr-nlp train --type linear --out models/linear --corpus $(SHIPPED_CORPUS)
	$(BIN)/scr-nlp train --type keyword --out models/keyword --corpus $(SHIPPED_CORPUS)

# The fine-tuned encoder (about 90 MB) is not committed or shipped; about 13 minutes on 2 cores.
transformer: install
	$(BIN)/scr-nlp train --type transformer --out models/transformer

retrain: install
	$(BIN)/scr-nlp retrain $(ANNOTATIONS)

clean:
	rm -rf $(VENV) results report.html .pytest_cache
