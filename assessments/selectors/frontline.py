"""Reads: the frontline part of assessments."""
