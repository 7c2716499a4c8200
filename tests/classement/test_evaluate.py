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
