# One task runner: CI calls the same targets.
PY ?= .venv/bin/python
ifeq ($(PY),.venv/bin/python)
DEPS = .venv/.installed
else
DEPS =
endif
export PYTHONPATH := $(CURDIR)/src

.PHONY: demo test lint bench train install clean

.venv/.installed: pyproject.toml
	python3 -m venv .venv
	.venv/bin/pip install -q --upgrade pip
	.venv/bin/pip install -q -e '.[dev,postgres]'
	touch $@

install: $(DEPS)

demo: $(DEPS)
	$(PY) -m reale demo

test: $(DEPS)
	$(PY) -m pytest

lint: $(DEPS)
	$(PY) -m ruff check src tests scripts
	$(PY) -m mypy

bench: $(DEPS)
	$(PY) -m reale.bench

train: $(DEPS)
	$(PY) scripts/train.py
	$(PY) scripts/train_stopwords.py
	$(PY) scripts/train_crisis.py
	$(PY) scripts/train_background.py

clean:
	rm -rf .venv var .pytest_cache .mypy_cache .ruff_cache
