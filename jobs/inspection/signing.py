"""A report's seal (jobs.seals): the SHA-256 of its body, signed with the Ed25519 key that
signs audit checkpoints and backup manifests, under the reports' own context."""

from .. import seals

CONTEXT = b"dossier-inspection-report\x1f"
digest = seals.digest


def seal(body: str) -> tuple[str, str]:
    return seals.seal(body, CONTEXT)


def check(report) -> str | None:
    """None when the stored body matches its hash and the hash its signature; else what is wrong."""
    return seals.check(report.body, report.sha256, report.signature, CONTEXT)
