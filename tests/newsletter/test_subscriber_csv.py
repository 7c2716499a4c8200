"""Subscriber CSV files as French offices make them: separators, encodings, addresses."""

import pytest

from newsletter.errors import ImportFileError
from newsletter.subscriptions import read_csv_file
from tests.newsletter.factories import LABELS

ROWS = [
    ("email", "name", "direction", "themes", "jobs"),
    ("agent@exemple.fr", "Agent Un", "Direction générale", "", ""),
    ("referente@exemple.fr", "Référente Énergie", "Écologie", "juridique;technique", "juriste"),
]


def excel(separator: str, encoding: str) -> bytes:
    """A file as Excel writes it: CRLF, a cell holding the separator quoted."""
    lines = []
    for row in ROWS:
        cells = [f'"{cell}"' if separator in cell else cell for cell in row]
        lines.append(separator.join(cells))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.mark.parametrize(
    ("separator", "encoding"),
    [(";", "cp1252"), (";", "utf-8-sig"), (",", "utf-8"), (",", "utf-8-sig"), (",", "cp1252")],
)
def test_excel_files_import_whatever_their_separator_and_encoding(
    separator: str, encoding: str
) -> None:
    rows = read_csv_file(excel(separator, encoding), LABELS)
    assert [(r.email, r.name, r.direction, r.themes, r.jobs) for r in rows] == [
        ("agent@exemple.fr", "Agent Un", "Direction générale", (), ()),
        (
            "referente@exemple.fr",
            "Référente Énergie",
            "Écologie",
            ("juridique", "technique"),
            ("juriste",),
        ),
    ]


def test_an_address_without_a_full_domain_is_refused() -> None:
    body = b"email;name;direction;themes;jobs\r\nmarie.dupont@grandreims;Marie;;;\r\n"
    with pytest.raises(ImportFileError) as error:
        read_csv_file(body, LABELS)
    assert "ligne 2 : adresse invalide 'marie.dupont@grandreims'" in str(error.value)
    assert "le domaine n'a pas d'extension" in str(error.value)


def test_every_problem_of_every_line_is_listed() -> None:
    body = (
        b"email;name;direction;themes;jobs\n"
        b"pas-une-adresse;;;robotique;astronaute\n"
        b"ok@exemple.fr;;;;\n"
        b"x@@exemple.fr;;;juridique;\n"
    )
    with pytest.raises(ImportFileError) as error:
        read_csv_file(body, LABELS)
    message = str(error.value)
    assert "rien n'a été importé, 2 ligne(s) à corriger" in message
    assert (
        "ligne 2 : adresse invalide 'pas-une-adresse' ; thème(s) inconnu(s) : robotique" in message
    )
    assert "métier(s) inconnu(s) : astronaute" in message.split("\n")[1]
    assert "ligne 4 : adresse invalide 'x@@exemple.fr'" in message


def test_a_wrong_header_names_the_separator_it_read() -> None:
    with pytest.raises(ImportFileError) as error:
        read_csv_file(b"mail;nom\r\nx@exemple.fr;X\r\n", LABELS)
    assert "séparateur lu : « ; »" in str(error.value)
    assert "email,name,direction,themes,jobs ou email;name;direction;themes;jobs" in str(
        error.value
    )
