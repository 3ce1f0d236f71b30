"""Writes: the rules part of incentives."""
