"""Weekly « réentraînement »: learn the curators' corrections, never a worse model.

data = shipped corpus + curator labels; digest of the curator labels
if the digest equals the latest model's: nothing changed, nothing to do
train; compare cross-validation (mean macro-F1 of themes and jobs)
lower than the latest model's → keep the latest, say so; else save
"""

from pathlib import Path

from veille.jobs.base import JobContext, Outcome, Tick


def retrain(context: JobContext, tick: Tick) -> Outcome:
    from classement import load_corpus, load_taxonomy, save_new_version, train
    from classement.corpus import DEFAULT_CORPUS_DIR, corpus_fingerprint
    from veille.training import curator_data, cv_score, latest

    directory = Path(context.settings.model_dir)
    taxonomy = load_taxonomy()
    data = curator_data(context.session_factory, taxonomy)
    previous = latest(directory)
    if previous is not None and previous.info.get("curator_fingerprint") == data.fingerprint:
        return Outcome("aucune étiquette des curateurs modifiée depuis le dernier modèle")
    if not data.records and (previous is None or "curator_fingerprint" not in previous.info):
        return Outcome("aucune étiquette des curateurs : le modèle du corpus livré suffit")
    corpus = load_corpus(taxonomy, DEFAULT_CORPUS_DIR)
    model = train(corpus, data.records, taxonomy=taxonomy, relevance_examples=data.decisions)
    model.info |= {
        "corpus_fingerprint": corpus_fingerprint(DEFAULT_CORPUS_DIR),
        "origin": "retrain",
        "curator_fingerprint": data.fingerprint,
    }
    new, old = cv_score(model), cv_score(previous) if previous is not None else None
    if new is not None and old is not None and new < old:
        return Outcome(
            f"nouveau modèle moins bon en validation croisée ({new:.3f} < {old:.3f}) : "
            f"modèle {previous.info.get('version', '?')} conservé"  # type: ignore[union-attr]
        )
    path = save_new_version(model, directory)
    score = f" ({new:.3f} en validation croisée)" if new is not None else ""
    return Outcome(
        f"modèle {path.stem} enregistré{score}, {len(data.records)} article(s) des curateurs"
    )
