"""Reads: the records part of incentives."""
