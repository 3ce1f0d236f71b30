"""Pages: the appraisal part of assessments."""
