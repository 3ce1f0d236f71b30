"""FilterSets of assessments, shared by the API and the pages."""
