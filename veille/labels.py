"""Label ids of the taxonomy, for validating what refers to them.

The ids are read straight from ``classement/taxonomy.toml``: importing the
``classement`` package would load scikit-learn (most of a second), which a
collection without classification never needs. ``classement.taxonomy`` stays
the reference that checks the file in full when the model is trained or used.
"""

import tomllib
from functools import cache
from importlib.util import find_spec
from pathlib import Path

TAXONOMY_FILE = "taxonomy.toml"


def taxonomy_path() -> Path:
    """Where the taxonomy file is, found without running the ``classement`` package."""
    spec = find_spec("classement")
    assert spec is not None and spec.origin is not None, "classement is part of the project"
    return Path(spec.origin).with_name(TAXONOMY_FILE)


@cache
def known_label_ids() -> frozenset[str]:
    data = tomllib.loads(taxonomy_path().read_text(encoding="utf-8"))
    entries = data.get("label", [])
    return frozenset(str(entry["id"]) for entry in entries if "id" in entry)
