"""Writes: the timely part of incentives."""
