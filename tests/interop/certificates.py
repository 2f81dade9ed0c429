"""Certificates for the suites that run TLS clusters, made by scripts/tls-certificates.sh (the
script `TLS=1 make dev` uses): a throwaway authority and identities it signs, each a folder of
tls.crt, tls.key and ca.crt."""

import base64
import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from support import REPO_ROOT

SCRIPT = REPO_ROOT / "scripts" / "tls-certificates.sh"


@dataclass(frozen=True)
class Identity:
    folder: Path

    @property
    def certificate(self) -> Path:
        return self.folder / "tls.crt"

    @property
    def key(self) -> Path:
        return self.folder / "tls.key"

    @property
    def authority(self) -> Path:
        return self.folder / "ca.crt"

    def service_arguments(self, client_auth: str = "require") -> list:
        """The flags that make a service serve TLS with this identity and trust its authority."""
        return [f"--tls_cert={self.certificate}", f"--tls_key={self.key}", f"--tls_ca={self.authority}",
                f"--tls_client_auth={client_auth}"]

    def public_key_pin(self) -> str:
        """base64(SHA-256(SubjectPublicKeyInfo)) of the certificate, as Chromium's
        --ignore-certificate-errors-spki-list takes it."""
        public_key = _openssl("x509", "-in", str(self.certificate), "-noout", "-pubkey")
        der = _openssl("pkey", "-pubin", "-outform", "DER", input=public_key)
        return base64.b64encode(hashlib.sha256(der).digest()).decode()


class CertificateAuthority:
    def __init__(self, folder: Path, name: str = "TaskMaster test CA"):
        self.folder = folder
        _run("authority", str(folder / "ca"), name)

    @property
    def certificate(self) -> Path:
        return self.folder / "ca" / "ca.crt"

    def issue(self, name: str, *subject_alternative_names: str) -> Identity:
        """A new key and certificate for `name` (for localhost and 127.0.0.1 unless names are given)."""
        identity = Identity(self.folder / name)
        _run("issue", str(self.folder / "ca"), str(identity.folder), name, *subject_alternative_names)
        return identity


def _run(*arguments: str) -> None:
    result = subprocess.run(["bash", str(SCRIPT), *arguments], capture_output=True, text=True, timeout=60,
                            stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"tls-certificates.sh {arguments[0]} failed: {result.stderr}"


def _openssl(*arguments: str, input: bytes = None) -> bytes:
    return subprocess.run(["openssl", *arguments], input=input, capture_output=True, check=True, timeout=30).stdout
