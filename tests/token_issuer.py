"""A local Bot Framework token issuer for the tests: RSA keys, an OpenID metadata document and a JWKS
(with endorsements), and tokens signed like the Bot Connector's.

botbuilder fetches the metadata with blocking `requests` calls from inside the event loop, so the server
runs on a thread of its own (an aiohttp server on the test's loop could never answer).
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.test"


def _new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class TokenIssuer:
    """Publishes `keys` (kid -> endorsements) and signs tokens with them; `url` is the metadata address."""

    endorsements: dict[str, list[str]] = field(default_factory=lambda: {
        "teams-key": ["msteams"], "webchat-key": ["webchat"]})
    url: str = ""
    requests: int = 0

    def __post_init__(self) -> None:
        self._private = {kid: _new_key() for kid in self.endorsements}
        self._stranger = _new_key()  # signs forgeries; never published

    def jwks(self) -> dict:
        keys = []
        for kid, key in self._private.items():
            jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
            keys.append({**jwk, "kid": kid, "use": "sig", "endorsements": self.endorsements[kid]})
        return {"keys": keys}

    def token(self, *, app_id: str, service_url: str, kid: str = "teams-key", issuer: str = ISSUER,
              expires_in: int = 600, signed_by_stranger: bool = False, **claims) -> str:
        """A token as the Bot Connector sends it to the bot (claims may be overridden)."""
        now = int(time.time())
        payload = {"iss": issuer, "aud": app_id, "serviceurl": service_url, "iat": now - 5,
                   "nbf": now - 5, "exp": now + expires_in, **claims}
        key = self._stranger if signed_by_stranger else self._private.get(kid, self._stranger)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        return jwt.encode(payload, pem, algorithm="RS256", headers={"kid": kid})

    def start(self) -> None:
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                issuer.requests += 1
                base = f"http://127.0.0.1:{self.server.server_address[1]}"
                if self.path == "/v1/.well-known/openidconfiguration":
                    body = {"issuer": ISSUER, "jwks_uri": f"{base}/keys",
                            "id_token_signing_alg_values_supported": ["RS256"]}
                elif self.path == "/keys":
                    body = issuer.jwks()
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1/.well-known/openidconfiguration"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
