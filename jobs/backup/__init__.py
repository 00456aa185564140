"""Backups (§8): restic as the data plane, the product as orchestrator."""
