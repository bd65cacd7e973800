"""The benchmark harness: `bench/run` (code in bench/runner.py, wrk script in bench/report.lua)."""
