"""Writes: the frontline part of assessments."""
