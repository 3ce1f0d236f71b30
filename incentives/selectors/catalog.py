"""Reads: the catalog part of incentives."""
