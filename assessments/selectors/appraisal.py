"""Reads: the appraisal part of assessments."""
