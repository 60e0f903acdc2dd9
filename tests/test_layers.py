"""Import direction: resolvers/core is shared infrastructure and never loads a domain."""

from __future__ import annotations

import subprocess
import sys

from settings import BASE_DIR

# Imports every core module in a fresh interpreter and lists the resolvers packages it loaded.
PROBE = """
import importlib, pkgutil, sys
import resolvers.core as core
for module in pkgutil.iter_modules(core.__path__):
    importlib.import_module(f"resolvers.core.{module.name}")
print(sorted({name.split(".")[1] for name in sys.modules if name.startswith("resolvers.")}))
"""


def test_core_imports_no_domain() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['core', 'lua']"
