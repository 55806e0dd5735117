"""The installation's Ed25519 key: it signs mirror bundles and the audit log's tree heads.

Made on first use and kept in EF_HOME/mirror_signing_key (mode 600), or at EF_SIGNING_KEY_FILE.
Back it up with the database (`equalfooting backup`): an installation restored with a new key
signs with a key every mirror refuses.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


def key_path() -> Path:
    return Path(os.environ.get("EF_SIGNING_KEY_FILE", settings.EF_HOME / "mirror_signing_key"))


def signing_key() -> Any:
    """The installation's Ed25519 key, made on first use and kept under EF_HOME (mode 600)."""
    path = key_path()
    if path.exists():
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)
    return key


def public_key_text(key: Any | None = None) -> str:
    raw = (
        (key or signing_key())
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return base64.b64encode(raw).decode()


def fingerprint(public_key: str) -> str:
    return hashlib.sha256(base64.b64decode(public_key)).hexdigest()[:32]


def sign(data: bytes) -> str:
    """The installation's signature of the bytes, base64."""
    return base64.b64encode(signing_key().sign(data)).decode()


def signature_holds(public_key: str, data: bytes, signature: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key)).verify(
            base64.b64decode(signature), data
        )
    except (InvalidSignature, ValueError):
        return False
    return True
