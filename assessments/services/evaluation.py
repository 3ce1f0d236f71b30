"""Writes: the evaluation part of assessments."""
