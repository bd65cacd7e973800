# The two commands in the README: `make demo` and `make test`. Everything else is a helper.
.PHONY: demo test setup bench

demo:
	@scripts/setup.sh
	@.venv/bin/medvirke demo

test:
	@scripts/test.sh

setup:
	@scripts/setup.sh

bench:
	@bench/run
