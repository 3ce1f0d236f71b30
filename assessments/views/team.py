"""Pages: the team part of assessments."""
