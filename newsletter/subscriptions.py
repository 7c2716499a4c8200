"""Subscribers: the CSV exchange format and the double opt-in emails.

CSV header ``email,name,direction,themes,jobs``; themes and jobs are label
ids separated by ``;`` (empty for the whole edition). An import is checked
whole before anything is written: one bad line and nothing is imported.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from db.models import Subscriber
from db.repos.subscribers import SubscriberData, normalise_email
from newsletter.content import LabelCatalog
from newsletter.errors import ImportFileError
from newsletter.links import LinkSigner, SubscriptionRequest
from newsletter.message import simple_message

HEADER = ("email", "name", "direction", "themes", "jobs")
# A spreadsheet reads a cell starting with one of these as a formula (OWASP,
# "CSV Injection"): exported, such a cell gets a leading apostrophe, which the
# import takes off again so that an export re-imports as it was.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+$")
MAX_ERRORS_SHOWN = 10


def valid_email(email: str) -> bool:
    return bool(_EMAIL.match(email.strip())) and len(email.strip()) <= 320


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def _check_labels(ids: Sequence[str], allowed: Sequence[str], what: str) -> str | None:
    unknown = [label_id for label_id in ids if label_id not in allowed]
    if unknown:
        return f"{what} inconnu(s) : {', '.join(unknown)} (connus : {', '.join(allowed)})"
    return None


def neutralise(cell: str) -> str:
    """A cell a spreadsheet shows as text, never evaluates."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _restored(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _row(values: dict[str, str], labels: LabelCatalog) -> tuple[SubscriberData | None, str | None]:
    values = {key: _restored(value or "") for key, value in values.items() if key}
    email = normalise_email(values.get("email") or "")
    if not valid_email(email):
        return None, f"adresse invalide {email!r}"
    themes, jobs = _split(values.get("themes") or ""), _split(values.get("jobs") or "")
    problem = _check_labels(themes, labels.ids_of("theme"), "thème(s)") or _check_labels(
        jobs, labels.ids_of("job"), "métier(s)"
    )
    if problem:
        return None, problem
    name, direction = (values.get("name") or "").strip(), (values.get("direction") or "").strip()
    return SubscriberData(email, name[:200], direction[:200], themes, jobs), None


def read_csv(text: str, labels: LabelCatalog) -> list[SubscriberData]:
    """Parse and check a whole file; ImportFileError lists the bad lines."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        return _read_rows(reader, labels)
    except csv.Error as error:
        raise ImportFileError(
            f"fichier CSV illisible, ligne {reader.line_num} : {error}"
        ) from error


def _read_rows(reader: "csv.DictReader[str]", labels: LabelCatalog) -> list[SubscriberData]:
    header = tuple(name.strip() for name in reader.fieldnames or ())
    if header != HEADER:
        raise ImportFileError(
            f"en-tête attendu : {','.join(HEADER)} (trouvé : {','.join(header) or 'rien'})"
        )
    rows: dict[str, SubscriberData] = {}
    errors = []
    for line, values in enumerate(reader, start=2):
        data, problem = _row(values, labels)
        if data is not None and data.email in rows:
            problem = f"adresse en double {data.email!r}"
        if problem:
            errors.append(f"ligne {line} : {problem}")
        elif data is not None:
            rows[data.email] = data
    if errors:
        shown = "\n".join(errors[:MAX_ERRORS_SHOWN])
        more = len(errors) - MAX_ERRORS_SHOWN
        suffix = f"\n… et {more} autre(s)" if more > 0 else ""
        raise ImportFileError(
            f"rien n'a été importé, {len(errors)} ligne(s) à corriger :\n{shown}{suffix}"
        )
    return list(rows.values())


def write_csv(subscribers: Iterable[Subscriber]) -> str:
    out = io.StringIO()
    # CRLF (RFC 4180): the writer then quotes a cell holding a lone CR, which
    # would otherwise split the row when read back.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for subscriber in subscribers:
        cells = (
            subscriber.email,
            subscriber.name,
            subscriber.direction,
            ";".join(subscriber.themes or ()),
            ";".join(subscriber.jobs or ()),
        )
        writer.writerow([neutralise(cell) for cell in cells])
    return out.getvalue()


CONFIRM_TEXT = """Bonjour,

Vous avez demandé à recevoir la lettre de veille IA de votre collectivité.
Pour confirmer votre abonnement, ouvrez ce lien (valable {hours} heures) :

{url}

Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : sans
confirmation, vous ne recevrez rien.
"""

ALREADY_TEXT = """Bonjour,

Une demande d'abonnement à la lettre de veille IA a été faite pour cette
adresse, qui est déjà abonnée. Vous pouvez gérer vos thèmes, vos métiers ou
vous désabonner ici :

{url}

Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.
"""


def confirmation_email(
    subscriber: Subscriber,
    request: SubscriptionRequest,
    signer: LinkSigner,
    mail_from: str,
    max_age: int,
    now: datetime,
) -> bytes:
    """The double opt-in email, or a preferences link for an address already active.

    The choices made in the form travel in the confirmation link: nothing of
    the subscriber changes until the owner of the address confirms.
    """
    if subscriber.status == "active":
        text = ALREADY_TEXT.format(url=signer.manage_url(subscriber.id, subscriber.token_version))
        subject = "Votre abonnement à la veille IA"
    else:
        url = signer.confirm_url(subscriber.id, request)
        text = CONFIRM_TEXT.format(url=url, hours=max_age // 3600)
        subject = "Confirmez votre abonnement à la veille IA"
    message = simple_message(mail_from, subscriber.email, subject, text, now)
    return message.as_bytes()
