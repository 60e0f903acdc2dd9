"""`make bench`: every benchmark, one after another, each in its own process.

    python -m bench                  # all of them
    python -m bench http_edge orders # some of them

Each prints ratios against a baseline it measured in the same run. Run them on a quiet
machine: they share its cores with the servers they measure.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHES = ["http_edge", "catalog", "orders", "payments_notify", "flash_sale", "subscriptions"]


def main(names: list[str]) -> int:
    here = Path(__file__).resolve().parent
    failed = []
    for name in names or BENCHES:
        if not (here / f"{name}.py").exists():
            sys.stderr.write(f"no such bench: {name}\n")
            failed.append(name)
            continue
        sys.stdout.write(f"\n=== bench.{name} ===\n")
        sys.stdout.flush()
        if subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=here.parent).returncode:
            failed.append(name)
    if failed:
        sys.stderr.write(f"failed: {', '.join(failed)}\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
