# The two commands in the README: `make demo` and `make test`. Everything else is a helper.
.PHONY: demo test setup bench bench-small

demo:
	@scripts/setup.sh
	@.venv/bin/medvirke demo

test:
	@scripts/test.sh

setup:
	@scripts/setup.sh

# The national benchmark (about 20 minutes on two cores; writes docs/benchmarks.md). Run
# bench-small first on the same machine for the national ÷ small comparison.
bench:
	@bench/run

bench-small:
	@bench/run --scale small
