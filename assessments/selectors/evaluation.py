"""Reads: the evaluation part of assessments."""
