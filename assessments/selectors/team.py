"""Reads: the team part of assessments."""
