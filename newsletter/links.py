"""Signed links that act without a login: confirm, manage preferences, unsubscribe.

The secret is given by the caller (``VEILLE_SECRET_KEY``). Preference and
unsubscribe links never expire, since old emails must keep working; the
confirmation link of a new subscription does.
"""

from dataclasses import dataclass

from itsdangerous import BadData, URLSafeTimedSerializer

from newsletter.errors import LinkError

CONFIRM, MANAGE, UNSUBSCRIBE = "confirmer", "preferences", "desabonnement"
SUBSCRIBE_PATH = "/abonnement"
INVALID = "Ce lien n'est pas valide : il a peut-être été coupé ou modifié."
EXPIRED = "Ce lien a expiré : abonnez-vous à nouveau pour en recevoir un autre."


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

    def _url(self, action: str, subscriber_id: int) -> str:
        token = self._serializer.dumps([action, subscriber_id])
        return f"{self.base}{SUBSCRIBE_PATH}/{action}/{token}"

    def confirm_url(self, subscriber_id: int) -> str:
        return self._url(CONFIRM, subscriber_id)

    def manage_url(self, subscriber_id: int) -> str:
        return self._url(MANAGE, subscriber_id)

    def unsubscribe_url(self, subscriber_id: int) -> str:
        return self._url(UNSUBSCRIBE, subscriber_id)

    def for_recipient(self, subscriber_id: int) -> RecipientLinks:
        return RecipientLinks(self.manage_url(subscriber_id), self.unsubscribe_url(subscriber_id))

    def read(self, action: str, token: str, max_age: int | None = None) -> int:
        """The subscriber id a token was made for; LinkError when invalid or expired."""
        try:
            payload = self._serializer.loads(token, max_age=max_age)
        except BadData as error:
            expired = type(error).__name__ == "SignatureExpired"
            raise LinkError(EXPIRED if expired else INVALID) from error
        if not (isinstance(payload, list) and len(payload) == 2 and payload[0] == action):
            raise LinkError(INVALID)
        subscriber_id = payload[1]
        if not isinstance(subscriber_id, int):
            raise LinkError(INVALID)
        return subscriber_id
