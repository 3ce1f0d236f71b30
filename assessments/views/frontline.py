"""Pages: the frontline part of assessments."""
