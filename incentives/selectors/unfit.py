"""Reads: the unfit part of incentives."""
