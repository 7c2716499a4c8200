"""Subscribers: the CSV exchange format and the double opt-in emails.

CSV header ``email,name,direction,themes,jobs``; themes and jobs are label
ids separated by ``;`` (empty for the whole edition). An import is checked
whole before anything is written: one bad line and nothing is imported, and
every problem of every bad line is listed.

Files come as French offices make them: the separator is ``,`` or ``;``
(read from the header line; French Excel writes ``;``), the text UTF-8 with
or without a byte order mark, or Windows-1252 (Excel's « CSV (séparateur :
point-virgule) »). Addresses are checked by email-validator, without DNS.
"""

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from email_validator import EmailNotValidError, validate_email

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
SEPARATORS = (",", ";")
ENCODINGS = (("utf-8-sig", "UTF-8"), ("cp1252", "Windows-1252"))
MAX_ERRORS_SHOWN = 10
_LABEL_SEPARATOR = re.compile(r"[;,]")


def email_problem(email: str) -> str | None:
    """Why an address cannot receive the letter, in French; None when it can."""
    address = email.strip()
    if not address or len(address) > 320:
        return f"adresse invalide {address!r}"
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        if "period" in str(error):
            return f"adresse invalide {address!r} : le domaine n'a pas d'extension (.fr, .com…)"
        return f"adresse invalide {address!r}"
    return None


def valid_email(email: str) -> bool:
    return email_problem(email) is None


def decode(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 (with or without BOM), else Windows-1252."""
    for encoding, _name in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    names = " ou ".join(name for _encoding, name in ENCODINGS)
    raise ImportFileError(f"encodage non reconnu : enregistrez le fichier en {names}")


def separator_of(text: str) -> str:
    """``;`` or ``,``: whichever the header line uses most."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    return max(SEPARATORS, key=header.count)


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in _LABEL_SEPARATOR.split(cell) if part.strip())


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


def _row(values: dict[str, str], labels: LabelCatalog) -> tuple[SubscriberData, list[str]]:
    """The subscriber of one line, and every problem found in it."""
    values = {key: _restored(value or "") for key, value in values.items() if key}
    email = normalise_email(values.get("email") or "")
    themes, jobs = _split(values.get("themes") or ""), _split(values.get("jobs") or "")
    problems = [
        email_problem(email),
        _check_labels(themes, labels.ids_of("theme"), "thème(s)"),
        _check_labels(jobs, labels.ids_of("job"), "métier(s)"),
    ]
    name, direction = (values.get("name") or "").strip(), (values.get("direction") or "").strip()
    data = SubscriberData(email, name[:200], direction[:200], themes, jobs)
    return data, [problem for problem in problems if problem]


def read_csv_file(data: bytes, labels: LabelCatalog) -> list[SubscriberData]:
    """``read_csv`` of an uploaded or saved file, whatever its encoding among ``ENCODINGS``."""
    return read_csv(decode(data), labels)


def read_csv(text: str, labels: LabelCatalog) -> list[SubscriberData]:
    """Parse and check a whole file; ImportFileError lists the bad lines."""
    separator = separator_of(text)
    stream = io.StringIO(text.lstrip("\ufeff"), newline="")
    reader = csv.DictReader(stream, delimiter=separator)
    try:
        return _read_rows(reader, labels, separator)
    except csv.Error as error:
        raise ImportFileError(
            f"fichier CSV illisible, ligne {reader.line_num} : {error}"
        ) from error


def _check_header(reader: "csv.DictReader[str]", separator: str) -> None:
    header = tuple(name.strip().lower() for name in reader.fieldnames or ())
    if header != HEADER:
        found = separator.join(header) or "rien"
        raise ImportFileError(
            f"en-tête attendu : {','.join(HEADER)} ou {';'.join(HEADER)} "
            f"(séparateur lu : « {separator} » ; trouvé : {found})"
        )
    reader.fieldnames = list(HEADER)


def _read_rows(
    reader: "csv.DictReader[str]", labels: LabelCatalog, separator: str
) -> list[SubscriberData]:
    _check_header(reader, separator)
    rows: dict[str, SubscriberData] = {}
    errors = []
    for values in reader:
        line = reader.line_num
        if not any((value or "").strip() for value in values.values()):
            continue  # a blank line, as spreadsheets leave at the end
        data, problems = _row(values, labels)
        if not problems and data.email in rows:
            problems = [f"adresse en double {data.email!r}"]
        if problems:
            errors.append(f"ligne {line} : {' ; '.join(problems)}")
        else:
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
