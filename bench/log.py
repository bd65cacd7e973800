"""The benchmark's progress lines (with seconds since the start)."""

import time

STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:5.0f} s] {message}", flush=True)
