"""Pages: the annual part of assessments."""
