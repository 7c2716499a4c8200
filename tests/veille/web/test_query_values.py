"""Malformed or out-of-range query values answer 400 in French, never 500."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.veille.web.conftest import WEEK, Client

SIGNED_IN_PAGES = ["/", "/edition", "/edition/apercu", "/changements", "/admin/sources",
                   "/admin/abonnes"]  # fmt: skip
PARAMETERS = ["week", "theme", "job", "source", "status", "kind", "q", "page", "next"]


@pytest.mark.parametrize("path", ["/", "/edition", "/edition/apercu", "/changements"])
@pytest.mark.parametrize("week", ["9999-W52", "0000-W01", "2026-W54", "2026-W", "W49"])
def test_impossible_weeks_are_refused(admin: Client, path: str, week: str) -> None:
    response = admin.get(path, params={"week": week})
    assert response.status_code == 400
    assert "Semaine invalide" in response.text


@pytest.mark.parametrize(
    "query",
    [
        {"source": "99999999999999999999999"},
        {"source": "²"},
        {"page": "9223372036854775807"},
        {"page": "0"},
        {"page": "-1"},
    ],
)
def test_out_of_range_numbers_are_refused(admin: Client, query: dict[str, str]) -> None:
    response = admin.get("/", params={"week": WEEK, **query})
    assert response.status_code == 400
    assert "invalide" in response.text or "inconnue" in response.text


def test_huge_row_ids_in_paths_are_refused(admin: Client) -> None:
    token = admin.csrf("/")
    response = admin.post("/articles/99999999999999999999/reject", data={"csrf_token": token})
    assert response.status_code == 400


def test_weeks_in_french_or_lower_case_are_accepted(admin: Client) -> None:
    for spelling in ("2026-W49", "2026-w49", "2026-S49", "2026-s49"):
        assert admin.get("/", params={"week": spelling}).status_code == 200


values = st.one_of(
    st.text(max_size=30),
    st.integers().map(str),
    st.from_regex(r"-?\d{1,30}", fullmatch=True),
    st.from_regex(r"\d{4}-[WwSs]\d{1,3}", fullmatch=True),
    st.text(alphabet=string.printable + "éèàçœ²³\x00\u202e", max_size=12),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(SIGNED_IN_PAGES),
    query=st.dictionaries(st.sampled_from(PARAMETERS), values, max_size=4),
)
def test_no_query_value_makes_a_server_error(
    admin: Client, path: str, query: dict[str, str]
) -> None:
    response = admin.get(path, params=query)
    assert response.status_code < 500, (path, query, response.text[-300:])
