"""Reads: the rules part of incentives."""
