"""Forms of assessments."""
