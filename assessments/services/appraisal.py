"""Writes: the appraisal part of assessments."""
