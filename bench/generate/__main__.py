"""`python -m bench.generate --scale small|national --seed N`: the benchmark's invented world.

Fills a freshly migrated database (DATABASE_URL, as every Django command here) with invented
organisations and staff, representatives, councils with seats, terms, open calls and
nominations, and meetings with their cases, advice, attendance and papers; see
bench/generate/*.py for what each scale contains. The same seed always gives the same names and
structure. National scale (about 1,400 organisations, 12,000 people of whom 10,000
representatives, 2,000 bodies, 25,000 terms, 50,000 meetings, 400,000 cases) takes about two
minutes on PostgreSQL: rows go in with bulk_create or plain INSERTs, every person shares one
precomputed password hash, and no history rows are written (generated rows are nobody's
changes). Every generated person can log in with the password `medvirke-gen-2026`.

It refuses to run where generated rows exist already; there is no flush: make a fresh
database (`bench/run` drops and creates its own).

Examples:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/medvirke_x .venv/bin/python -m medvirke migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/medvirke_x \
        .venv/bin/python -m bench.generate --scale small --seed 1
"""

import argparse
import os
import sys
import time
from typing import TextIO


def main(argv: list[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--scale", choices=["small", "national"], default="small")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medvirke.settings")
    import django

    django.setup()
    from . import GEN_PASSWORD, GeneratedDataExists, generate

    started = time.monotonic()
    try:
        summary = generate(args.scale, args.seed)
    except GeneratedDataExists as error:
        print(error, file=sys.stderr)
        return 1
    width = max(len(key) for key in summary)
    for key, n in summary.items():
        print(f"  {key.ljust(width)}  {n:>6}", file=out)
    print(
        f"Generated {args.scale} scale (seed {args.seed}) in {time.monotonic() - started:.1f} s. "
        f"Password for every person: {GEN_PASSWORD}",
        file=out,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
