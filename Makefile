# kpi-workshop: `make report` renders the workshop on the sample data, `make test` runs the test suite.
# Both create .venv on first use and are quick when it is already up to date.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
SAMPLE := data/sample
OUT    ?= report
JOBS   ?= 2
DAYS   ?= 1-10

.PHONY: report test test-fast install sample bench lab present exercises clean help

help:
	@echo "make report   import the sample workshop, render its report pack into $(OUT)/ (DAYS=1,3 JOBS=2), print index.html"
	@echo "make test     run the whole test suite, notebooks included"
	@echo "make test-fast  the suite without the slow (notebook) tests"
	@echo "make sample   regenerate the sample exports in $(SAMPLE)/exports from the generator"
	@echo "make bench    run the benchmarks in bench/ (writes bench/RESULTS.md); quick: make bench BENCH_SIZES=1M"
	@echo "make lab      import the sample workshop and open JupyterLab on its day notebooks"
	@echo "make present  import the sample workshop and show its days as an app (no code)"
	@echo "make exercises  regenerate the trainee exercise notebooks from their solutions"

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kpi-workshop needs Python 3.11 or newer; $(PYTHON) is " + sys.version.split()[0] + ". Run: make PYTHON=python3.11 ...")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

install: $(VENV)/.installed

report: $(VENV)/.installed
	$(BIN)/kpi-workshop import $(SAMPLE)
	@$(BIN)/kpi-workshop render $(SAMPLE) --out $(OUT) --jobs $(JOBS) $(if $(filter-out 1-10,$(DAYS)),--days $(DAYS))

test: $(VENV)/.installed
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup

test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -n $(JOBS) -m "not slow"

sample: $(VENV)/.installed
	$(BIN)/python -m kpilib.synth --out $(SAMPLE)

BENCH_SIZES ?= 1M,10M,100M

# The machine may be shared: the benchmarks run at a lower priority.
bench: $(VENV)/.installed
	nice -n 10 $(BIN)/python bench/run.py --sizes $(BENCH_SIZES) --big-import

lab: $(VENV)/.installed
	$(BIN)/kpi-workshop import $(SAMPLE)
	$(BIN)/kpi-workshop lab $(SAMPLE)

present: $(VENV)/.installed
	$(BIN)/kpi-workshop import $(SAMPLE)
	$(BIN)/kpi-workshop present $(SAMPLE)

exercises: $(VENV)/.installed
	$(BIN)/python -m kpilib.exercises generate

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache
