"""Pages: the evaluation part of assessments."""
