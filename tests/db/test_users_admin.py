"""Accounts managed by an administrator: never without an active administrator."""

import pytest
from sqlalchemy.orm import Session

from db.errors import AlreadyExistsError, LastAdminError
from db.repos import users


def test_the_last_active_admin_can_be_neither_disabled_nor_demoted(session: Session) -> None:
    chief = users.create(session, "Chef@GrandReims.fr", "admin", "hash")
    former = users.create(session, "ancien@grandreims.fr", "admin", "hash")
    users.set_active(session, former, False)  # another admin was still active
    assert former.session_version == 1, "disabling ends the sessions"
    with pytest.raises(LastAdminError):
        users.set_active(session, chief, False)
    with pytest.raises(LastAdminError):
        users.set_role(session, chief, "curator")
    assert chief.active and chief.role == "admin"
    users.set_active(session, former, True)
    users.set_role(session, chief, "curator")
    assert [(user.email, user.role) for user in users.all_users(session)] == [
        ("ancien@grandreims.fr", "admin"),
        ("chef@grandreims.fr", "curator"),
    ]
    with pytest.raises(AlreadyExistsError):
        users.create(session, " chef@grandreims.fr ", "curator", "hash")
