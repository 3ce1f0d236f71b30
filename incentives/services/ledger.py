"""Writes: the ledger part of incentives."""
