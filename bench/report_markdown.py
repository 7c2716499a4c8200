"""BENCHMARKS.md from the figures gathered by ``bench/report.py``."""

import os
from datetime import datetime

COMMAND = "uv run python bench/report.py --reader-python ../reader-venv/bin/python"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def _machine(info: dict[str, str], load_before: str, load_after: str) -> list[str]:
    cores = os.cpu_count() or 1
    busy = max(float(load_before.split(" / ")[0]), float(load_after.split(" / ")[0]))
    lines = ["## Machine", ""] + [f"- {key} : {value}" for key, value in info.items()]
    lines.append(
        f"- Charge moyenne (1 / 5 / 15 min) : {load_before} au début, {load_after} à la fin"
    )
    if busy > cores / 2:
        lines += [
            "",
            f"**Mesures prises sous charge** (charge {busy:.1f} pour {cores} cœurs, "
            "machine partagée) : les durées absolues sont pessimistes ; les comparaisons "
            "restent justes, les deux collecteurs alternant essai par essai.",
        ]
    return lines


def _collect(rows: list[dict], reader_version: str | None) -> list[str]:
    lines = ["## Collecte contre reader", ""]
    lines.append(
        "300 flux × 40 entrées servis en local (30 adresses 127.0.0.x), une base SQLite neuve "
        "par essai, les deux côtés compilés en bytecode ; médiane de 3 essais alternés. "
        "*Froid* : base vide, tout est nouveau, classement désactivé. *Tiède, processus* : un "
        "nouveau processus (`veille collect --no-classify` contre `update_feeds(workers=20)`) "
        "où chaque flux répond 304, chronométré du lancement à la sortie. *Tiède, interne* : "
        "la même passe mesurée dans le processus. *Mémoire* : pic du processus (RSS) et total "
        "avec ses processus d'analyse (PSS, pages partagées comptées une fois)."
    )
    if reader_version:
        lines += ["", f"reader {reader_version}."]
    lines.append("")
    header = [
        "Collecteur",
        "Latence",
        "Froid (s)",
        "Tiède, processus (s)",
        "Tiède, interne (s)",
        "Entrées",
        "RSS max (Mo)",
        "Total (Mo)",
    ]
    body = [
        [
            row["side"],
            f"{row['latency_ms']} ms",
            f"{row['cold']:.2f}",
            f"{row['warm_process']:.2f}",
            f"{row['warm']:.2f}",
            str(row["entries"]),
            f"{row['rss_mb']:.0f}",
            f"{row['total_mb']:.0f}",
        ]
        for row in rows
    ]
    lines += _table(header, body)
    for latency in sorted({row["latency_ms"] for row in rows}):
        pair = {row["side"]: row for row in rows if row["latency_ms"] == latency}
        if "reader" in pair and "Veille IA" in pair:
            ours, theirs = pair["Veille IA"], pair["reader"]
            lines.append("")
            lines.append(
                f"- {latency} ms : froid **{theirs['cold'] / ours['cold']:.1f}×** plus rapide que "
                f"reader ; tiède (processus contre processus) "
                f"**{theirs['warm_process'] / ours['warm_process']:.1f}×**."
            )
    lines += [
        "",
        "Veille IA compte moins d'entrées que reader : les reprises d'un même article "
        "par plusieurs flux y sont enregistrées comme doublons liés à l'original.",
    ]
    return lines


def _dedup(figures: dict) -> list[str]:
    return [
        "## Fusion des doublons",
        "",
        "Corpus du banc (`bench/corpus.py`) : 12 000 entrées dont des reprises avec paramètres "
        "de suivi et autre casse, des copies syndiquées (autre adresse, autre première phrase) "
        "et des articles qui ne partagent que leur titre (« Revue de presse IA », « Édito »…). "
        "Vérité terrain : le lien canonique de l'article repris. Commande : "
        "`uv run python bench/bench_dedup.py`.",
        "",
        *_table(
            ["Articles", "Fusionnés", "Doublons attendus", "Précision", "Rappel"],
            [
                [
                    str(figures["rows"]),
                    str(figures["merged"]),
                    str(figures["expected"]),
                    f"{figures['precision']:.2%}",
                    f"{figures['recall']:.2%}",
                ]
            ],
        ),
        "",
        "Objectifs : précision ≥ 99 %, rappel ≥ 95 %.",
    ]


def _scale(rows: list[dict]) -> list[str]:
    lines = [
        "## Coût selon le nombre de flux",
        "",
        "40 entrées par flux, latence nulle, un essai ; Veille IA seul. Le temps CPU est "
        "celui du processus de collecte et de son processus d'analyse, import compris, pour "
        "la passe à froid puis la passe tiède.",
        "",
    ]
    body = []
    for row in rows:
        per_feed_ms = 1000 * row["cold"] / row["feeds"]
        body.append(
            [
                str(row["feeds"]),
                str(row["entries"]),
                f"{row['cold']:.2f}",
                f"{per_feed_ms:.0f}",
                f"{row['warm']:.2f}",
                f"{row['cpu_seconds']:.1f}",
                f"{1000 * row['cpu_seconds'] / row['feeds']:.0f}",
                f"{row['total_mb']:.0f}",
            ]
        )
    header = [
        "Flux",
        "Entrées",
        "Froid (s)",
        "Froid par flux (ms)",
        "Tiède (s)",
        "CPU, les deux passes (s)",
        "CPU par flux (ms)",
        "Mémoire totale (Mo)",
    ]
    lines += _table(header, body)
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        factor = last["feeds"] / first["feeds"]
        lines += [
            "",
            f"De {first['feeds']} à {last['feeds']} flux (×{factor:.0f}) : durée à froid "
            f"×{last['cold'] / first['cold']:.1f}, temps CPU "
            f"×{last['cpu_seconds'] / first['cpu_seconds']:.1f} (moins sensible à la charge "
            "de la machine que la durée), mémoire "
            f"×{last['total_mb'] / first['total_mb']:.1f} (une part fixe : l'interpréteur "
            "et les bibliothèques).",
        ]
    return lines


def _classify(figures: dict) -> list[str]:
    keys = [
        ("Prédiction, explications comprises (articles/s)", "predict_per_second"),
        ("Prédiction sans explications (articles/s)", "predict_per_second_no_explanations"),
        ("Entraînement sur 5 000 exemples (s)", "train_seconds_5000"),
        ("Fichier du modèle, 5 000 exemples (Mo)", "model_mb_5000"),
    ]
    return [
        "## Classement",
        "",
        "Commande : `uv run python bench/bench_classify.py`.",
        "",
        *_table(["Mesure", "Valeur"], [[name, str(figures.get(key))] for name, key in keys]),
    ]


def _newsletter(lines_out: list[str]) -> list[str]:
    return [
        "## Lettre : rendu et envoi SMTP",
        "",
        "Commande : `uv run python bench/bench_newsletter.py` (10 000 abonnés, 500 profils ; "
        "envoi de 2 000 messages à un serveur aiosmtpd local).",
        "",
        *[f"- {line}" for line in lines_out if line.strip()],
    ]


def _inbox(figures: dict) -> list[str]:
    count = f"{figures['articles']:,}".replace(",", " ")
    return [
        "## Boîte de réception",
        "",
        f"{count} articles sur 50 semaines (SQLite), page servie par l'application dans le "
        "processus ; médiane de 5 requêtes. Commande : `uv run python bench/bench_inbox.py`.",
        "",
        *_table(
            ["Page", "Durée (ms)"],
            [
                ["Semaine en cours, page 1", f"{figures['inbox_week_ms']:.0f}"],
                ["Semaine en cours, page 5", f"{figures['inbox_page_5_ms']:.0f}"],
                ["Filtre par thème", f"{figures['inbox_theme_ms']:.0f}"],
                *_optional(figures, "inbox_sort_source_ms", "Tri par source"),
                ["Recherche plein texte", f"{figures['inbox_search_ms']:.0f}"],
                *_optional(figures, "triage_action_ms", "Écarter un article (réponse JSON)"),
                *_optional(figures, "triage_bulk_25_ms", "Écarter 25 articles d'un coup"),
            ],
        ),
    ]


def _optional(figures: dict, key: str, name: str) -> list[list[str]]:
    """A row for a figure that older runs did not measure."""
    return [[name, f"{figures[key]:.0f}"]] if key in figures else []


def _preview(figures: dict) -> list[str]:
    count = f"{figures['articles']:,}".replace(",", " ")
    return [
        "## Aperçu du courriel",
        "",
        f"{count} articles sur 50 semaines (SQLite), dont {figures['week_articles']} dans la "
        f"semaine de l'édition ({figures['curated']} retenus en trois rubriques) ; page servie "
        "par l'application dans le processus ; médiane de 5 requêtes. "
        "Commande : `uv run python bench/bench_preview.py`.",
        "",
        *_table(
            ["Page", "Durée (ms)"],
            [
                ["Aperçu de l'édition complète", f"{figures['preview_whole_ms']:.0f}"],
                ["Aperçu pour un profil de référent", f"{figures['preview_referent_ms']:.0f}"],
                ["Page de l'édition", f"{figures['edition_page_ms']:.0f}"],
            ],
        ),
    ]


def render(
    figures: dict,
    info: dict[str, str],
    started: datetime,
    ended: float,
    load_before: str,
    load_after: str,
) -> str:
    minutes = (ended - started.timestamp()) / 60
    lines = [
        "# Bancs d'essai",
        "",
        f"Produit par `{COMMAND}` le {started:%Y-%m-%d à %H:%M} UTC, en {minutes:.0f} min. "
        "Ne pas modifier à la main : relancer la commande.",
        "",
        *_machine(info, load_before, load_after),
        "",
        *_collect(figures["collect"], figures.get("reader_version")),
        "",
        *_dedup(figures["dedup"]),
        "",
        *_scale(figures["scale"]),
        "",
        *_classify(figures["classify"]),
        "",
        *_newsletter(figures["newsletter"]),
        "",
        *_inbox(figures["inbox"]),
        "",
        *([*_preview(figures["preview"]), ""] if "preview" in figures else []),
    ]
    return "\n".join(lines)
