"""Backups (§8): restic as the data plane, the product as orchestrator (shared/DESIGN.md §6)."""
