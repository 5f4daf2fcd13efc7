# Everything a new user types. Each target sets up what it needs on a fresh machine.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo distill-demo test lab export clean readme

install: $(STAMP)

$(PY):
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall when the declared requirements change.
$(STAMP): settings.ini setup.py pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev,app]'
	$(PY) -m pip check
	touch $(STAMP)

## demo: finetune the sample config on data_samples/ and print a before/after table
demo: install
	$(PY) scripts/demo.py

## distill-demo: distil a fresh vit_t encoder from the demo's model (run `make demo` first) and print the table
distill-demo: install
	$(PY) scripts/distill_demo.py

## test: run every notebook's tests (nbdev_test), failing on any failure
# Two notebooks run at once with one torch thread each: more threads than cores makes torch many times slower.
test: install
	$(VENV)/bin/nbdev_export
	OMP_NUM_THREADS=1 $(VENV)/bin/nbdev_test --n_workers 2 --timing

## lab: JupyterLab on the notebooks
lab: install
	$(VENV)/bin/jupyter lab nbs

## export: rebuild the library from the notebooks and clean the notebooks
export: install
	$(VENV)/bin/nbdev_export
	$(VENV)/bin/nbdev_clean

## readme: regenerate README.md from nbs/index.ipynb
readme: install
	$(PY) scripts/make_readme.py

clean:
	rm -rf $(VENV) outputs _docs _proc build dist *.egg-info
	find . -name __pycache__ -prune -exec rm -rf {} +
