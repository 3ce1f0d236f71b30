"""Reads: the timely part of incentives."""
