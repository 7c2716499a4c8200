import json

import numpy as np

from classement import Classifier, LabelledArticle, evaluate
from classement.evaluate import score_matrices

IDS = ("juridique", "technique", "juriste")
KINDS = ("theme", "theme", "job")


def test_scores_by_hand() -> None:
    truth = np.array([[1, 0, 1], [1, 1, 0], [0, 1, 0], [0, 0, 0]], dtype=bool)
    predicted = np.array([[1, 1, 1], [0, 1, 0], [0, 0, 1], [0, 0, 0]], dtype=bool)
    report = score_matrices(truth, predicted, IDS, KINDS)
    juridique = report.themes.per_label["juridique"]
    assert (juridique.precision, juridique.recall, juridique.f1, juridique.support) == (
        1.0,
        0.5,
        2 / 3,
        2,
    )
    technique = report.themes.per_label["technique"]
    assert (technique.precision, technique.recall, technique.support) == (0.5, 0.5, 2)
    assert report.themes.micro_f1 == 2 * (2 / 3) * (2 / 4) / (2 / 3 + 2 / 4)
    assert report.themes.macro_f1 == (2 / 3 + 0.5) / 2
    assert report.jobs.per_label["juriste"].precision == 0.5
    assert report.jobs.per_label["juriste"].recall == 1.0


def test_labels_without_support_do_not_count_in_macro() -> None:
    truth = np.array([[1, 0, 0]], dtype=bool)
    predicted = np.array([[1, 1, 0]], dtype=bool)
    report = score_matrices(truth, predicted, IDS, KINDS)
    assert report.themes.macro_f1 == 1.0
    assert report.themes.micro_f1 < 1.0
    assert report.jobs.macro_f1 == 0.0


def _noisy_predictions(n_articles: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Three labels, a fifth of articles positive, one decision in six wrong."""
    rng = np.random.default_rng(seed)
    truth = rng.random((n_articles, 3)) < 0.2
    predicted = truth ^ (rng.random((n_articles, 3)) < 1 / 6)
    return truth, predicted


def test_intervals_surround_the_score_and_shrink_with_more_articles() -> None:
    truth, predicted = _noisy_predictions(100, seed=1)
    small = score_matrices(truth, predicted, IDS, KINDS, with_intervals=True)
    assert small.intervals is not None
    widths = {}
    for label, score in small.themes.per_label.items():
        low, high = small.intervals.per_label[label]
        assert low < score.f1 < high
        widths[label] = high - low
    low, high = small.intervals.macro["theme"]
    assert low < small.themes.macro_f1 < high

    # The same articles ten times over: the score stays, its interval narrows.
    large = score_matrices(
        np.tile(truth, (10, 1)), np.tile(predicted, (10, 1)), IDS, KINDS, with_intervals=True
    )
    assert large.intervals is not None
    for label, width in widths.items():
        assert large.themes.per_label[label].f1 == small.themes.per_label[label].f1
        low, high = large.intervals.per_label[label]
        assert high - low < width / 2


def test_intervals_are_reproducible_and_skip_absent_labels() -> None:
    truth, predicted = _noisy_predictions(80, seed=2)
    truth[:, 2] = False  # juriste never occurs: no interval for the jobs' macro-F1
    first = score_matrices(truth, predicted, IDS, KINDS, with_intervals=True).to_json()
    again = score_matrices(truth, predicted, IDS, KINDS, with_intervals=True).to_json()
    assert first == again
    assert "macro_f1_interval" in first["themes"]
    assert "macro_f1_interval" not in first["jobs"]
    assert "f1_interval" in first["per_label"]["juridique"]
    assert "f1_interval" not in first["per_label"]["juriste"]
    assert (
        "f1_interval"
        not in score_matrices(truth, predicted, IDS, KINDS).to_json()["per_label"]["juridique"]
    )


def test_json_shape(model: Classifier, held_out: list[LabelledArticle]) -> None:
    payload = json.loads(json.dumps(evaluate(model, held_out).to_json()))
    assert payload["n_articles"] == len(held_out)
    for kind, labels in (("themes", model.label_ids[:6]), ("jobs", model.label_ids[6:])):
        group = payload[kind]
        assert set(group) >= {"micro_f1", "macro_f1", "per_label"}
        assert list(group["per_label"]) == list(labels)
        for score in group["per_label"].values():
            assert set(score) >= {"precision", "recall", "f1", "support"}
    assert set(payload["per_label"]) == set(model.label_ids)
