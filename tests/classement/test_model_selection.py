"""Grouped cross-validation: one site's examples never on both sides of a split."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from classement import Article, LabelledArticle, Taxonomy, train
from classement.corpus import DEFAULT_CORPUS_DIR, corpus_files, load_corpus
from classement.model_selection import (
    Predictor,
    corpus_groups,
    group_folds,
    grouped_cv,
    relabelled,
    source_host,
)
from classement.train import TrainingParams


def test_a_site_is_its_host_without_www() -> None:
    assert source_host("https://www.cnil.fr/fr/ia") == "cnil.fr"
    assert source_host("http://Lagazette.FR:8080/a?b") == "lagazette.fr"
    assert source_host("pas une adresse") == ""


def test_groups_are_sites_or_corpus_files(tmp_path: Path, taxonomy: Taxonomy) -> None:
    base = {"text": "Texte.", "themes": [], "jobs": []}
    rows = {
        "corpus_ecrit.jsonl": [{"id": "e-1"}, {"id": "e-2"}],
        "corpus_real_x.jsonl": [
            {"id": "r-1", "source_url": "https://www.cnil.fr/a"},
            {"id": "r-2", "source_url": "https://cnil.fr/b"},
            {"id": "r-3", "source_url": "https://gazette.fr/c"},
        ],
    }
    for name, lines in rows.items():
        text = "\n".join(json.dumps({**base, "title": line["id"], **line}) for line in lines)
        (tmp_path / name).write_text(text + "\n", encoding="utf-8")
    groups = corpus_groups(tmp_path)
    assert [r.id for r in load_corpus(taxonomy, tmp_path)] == ["e-1", "e-2", "r-1", "r-2", "r-3"]
    assert groups == ["fichier:corpus_ecrit"] * 2 + ["cnil.fr", "cnil.fr", "gazette.fr"]


def test_folds_keep_groups_whole_balanced_and_change_with_the_seed() -> None:
    rng = np.random.default_rng(1)
    groups = [f"site-{n}" for n in rng.integers(0, 120, size=900)] + ["fichier:a"] * 150
    folds = [group_folds(groups, 5, seed) for seed in range(3)]
    for fold_of in folds:
        for group in set(groups):
            assert len({int(f) for f, g in zip(fold_of, groups, strict=True) if g == group}) == 1
        sizes = np.bincount(fold_of, minlength=5)
        assert sizes.min() >= 0.8 * sizes.max()
    assert not np.array_equal(folds[0], folds[1])


class RecordingTrainer:
    """Trains the real classifier and remembers which ids each model saw."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.seen: list[set[str]] = []

    def __call__(self, records: Sequence[LabelledArticle]) -> Predictor:
        self.seen.append({record.id for record in records})
        return Predictor(train(records, params=TrainingParams(folds=3), taxonomy=self.taxonomy))


def test_grouped_cv_never_trains_on_the_sites_it_scores(
    subset: list[LabelledArticle], taxonomy: Taxonomy
) -> None:
    records = subset[:240]
    groups = [f"site-{i % 17}" for i in range(len(records))]
    fit = RecordingTrainer(taxonomy)
    scores = grouped_cv(records, groups, fit, taxonomy, repeats=2, n_folds=3)
    assert len(fit.seen) == 6 and len(scores.reports) == 2
    group_of = {record.id: group for record, group in zip(records, groups, strict=True)}
    for seen in fit.seen:
        trained_sites = {group_of[i] for i in seen}
        held_out = {group_of[r.id] for r in records if r.id not in seen}
        assert held_out and not trained_sites & held_out
    summary = scores.summary()["all"]
    assert 0 < summary["themes_macro"] <= 1 and set(summary["per_label"]) == set(taxonomy.ids)


def test_real_press_lines_name_distinct_sources(taxonomy: Taxonomy) -> None:
    urls = []
    for path in corpus_files(DEFAULT_CORPUS_DIR):
        if path.name.startswith("corpus_real_"):
            lines = path.read_text(encoding="utf-8").splitlines()
            urls += [json.loads(line)["source_url"].rstrip("/") for line in lines if line]
    assert len(urls) >= 600
    assert len(set(urls)) == len(urls)
    assert all(url.startswith(("https://", "http://")) for url in urls)


def test_a_relabelling_is_the_records_whose_labels_changed_with_their_earlier_labels() -> None:
    """What ``bench/compare_corpus.py --relabelled-from`` trains on to isolate a relabelling."""

    def record(id_: str, themes: tuple[str, ...], jobs: tuple[str, ...]) -> LabelledArticle:
        return LabelledArticle(Article(id_, f"titre {id_}", "texte"), themes, jobs)

    earlier = [
        record("a", ("ethique",), ()),
        record("b", ("juridique",), ("juriste",)),
        record("c", ("social",), ()),
    ]
    now = [
        record("a", ("ethique",), ("agent_accueil",)),
        record("b", ("juridique",), ("juriste",)),
        record("c", ("social",), ()),
        record("d", (), ("manager",)),
    ]
    changed = relabelled(now, earlier)
    assert list(changed) == ["a"]
    assert changed["a"].themes == ("ethique",) and changed["a"].jobs == ()
    assert changed["a"].article == now[0].article
