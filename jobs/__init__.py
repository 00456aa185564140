"""Scheduled and command-line operations."""
