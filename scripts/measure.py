#!/usr/bin/env python3
"""Runs a command and prints one benchmark line: its wall time and its peak memory (the child's
maximum resident set size, from getrusage: /usr/bin/time may be absent).

    scripts/measure.py <label> <command> [arguments…]

Prints `BENCH <label>: <seconds> s, peak <MB> MB (exit <code>)` on stdout; the command's own
output passes through. Exits with the command's code."""

import resource
import subprocess
import sys
import time


def main() -> int:
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 1
    label, command = sys.argv[1], sys.argv[2:]
    start = time.monotonic()
    code = subprocess.call(command)
    seconds = time.monotonic() - start
    # ru_maxrss is in kilobytes on Linux; only this one child was waited for.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"BENCH {label}: {seconds:.2f} s, peak {peak:.0f} MB (exit {code})", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
