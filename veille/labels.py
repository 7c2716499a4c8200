"""Label ids of the taxonomy, for validating what refers to them."""

from functools import cache


@cache
def known_label_ids() -> frozenset[str]:
    from classement.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    return frozenset(label.id for label in taxonomy.labels)
