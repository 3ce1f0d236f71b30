"""Writes: the unfit part of incentives."""
