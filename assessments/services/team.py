"""Writes: the team part of assessments."""
