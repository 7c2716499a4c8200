"""Signed links that act without a login: confirm, manage preferences, unsubscribe.

The secret is given by the caller (``VEILLE_SECRET_KEY``). Preference and
unsubscribe links do not expire, since old emails must keep working, but they
carry the subscriber's link version: raising it (on unsubscribing, or when
the subscriber asks) revokes the preference links already sent. An
unsubscribe link works whatever its version: leaving is always allowed.
The confirmation link expires, and carries the choices made in the form,
which are applied only when the owner of the address confirms.
"""

from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadData, URLSafeTimedSerializer

from newsletter.errors import LinkError

CONFIRM, MANAGE, UNSUBSCRIBE = "confirmer", "preferences", "desabonnement"
SUBSCRIBE_PATH = "/abonnement"
INVALID = "Ce lien n'est pas valide : il a peut-être été coupé ou modifié."
EXPIRED = "Ce lien a expiré : abonnez-vous à nouveau pour en recevoir un autre."
REVOKED = (
    "Ce lien a été remplacé par un plus récent : utilisez celui de votre dernière lettre de veille."
)


@dataclass(frozen=True, slots=True)
class SubscriptionRequest:
    """What the public form asked for, carried by the confirmation link."""

    name: str = ""
    direction: str = ""
    themes: tuple[str, ...] = ()
    jobs: tuple[str, ...] = ()

    def dump(self) -> list[Any]:
        return [self.name, self.direction, list(self.themes), list(self.jobs)]

    @classmethod
    def load(cls, value: Any) -> "SubscriptionRequest":
        if not (isinstance(value, list) and len(value) == 4):
            raise LinkError(INVALID)
        name, direction, themes, jobs = value
        texts = [name, direction, *themes, *jobs] if _lists(themes, jobs) else None
        if texts is None or not all(isinstance(text, str) for text in texts):
            raise LinkError(INVALID)
        return cls(name, direction, tuple(themes), tuple(jobs))


def _lists(*values: Any) -> bool:
    return all(isinstance(value, list) for value in values)


@dataclass(frozen=True, slots=True)
class LinkClaim:
    """What a valid link says: whose it is, its version, and a confirmed request."""

    subscriber_id: int
    version: int = 0
    request: SubscriptionRequest = field(default_factory=SubscriptionRequest)


@dataclass(frozen=True, slots=True)
class RecipientLinks:
    manage_url: str
    unsubscribe_url: str


class LinkSigner:
    """Makes and reads the signed links of one installation."""

    def __init__(self, secret: str, public_url: str) -> None:
        if not secret:
            raise LinkError(
                "VEILLE_SECRET_KEY n'est pas définie : elle signe les liens des courriels."
            )
        self._serializer = URLSafeTimedSerializer(secret, salt="veille-newsletter")
        self.base = public_url.rstrip("/")

    def _url(self, action: str, *payload: Any) -> str:
        token = self._serializer.dumps([action, *payload])
        return f"{self.base}{SUBSCRIBE_PATH}/{action}/{token}"

    def confirm_url(self, subscriber_id: int, request: SubscriptionRequest) -> str:
        return self._url(CONFIRM, subscriber_id, 0, request.dump())

    def manage_url(self, subscriber_id: int, version: int = 0) -> str:
        return self._url(MANAGE, subscriber_id, version)

    def unsubscribe_url(self, subscriber_id: int, version: int = 0) -> str:
        return self._url(UNSUBSCRIBE, subscriber_id, version)

    def for_recipient(self, subscriber_id: int, version: int = 0) -> RecipientLinks:
        return RecipientLinks(
            self.manage_url(subscriber_id, version), self.unsubscribe_url(subscriber_id, version)
        )

    def read(self, action: str, token: str, max_age: int | None = None) -> LinkClaim:
        """What a token was made for; LinkError when invalid or expired.

        Links sent before versions existed (``[action, id]``) read as version 0.
        """
        try:
            payload = self._serializer.loads(token, max_age=max_age)
        except BadData as error:
            expired = type(error).__name__ == "SignatureExpired"
            raise LinkError(EXPIRED if expired else INVALID) from error
        if not (isinstance(payload, list) and 2 <= len(payload) <= 4 and payload[0] == action):
            raise LinkError(INVALID)
        subscriber_id, version = payload[1], payload[2] if len(payload) > 2 else 0
        if not (isinstance(subscriber_id, int) and isinstance(version, int)):
            raise LinkError(INVALID)
        request = SubscriptionRequest.load(payload[3]) if len(payload) == 4 else None
        return LinkClaim(subscriber_id, version, request or SubscriptionRequest())
