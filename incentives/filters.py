"""FilterSets of incentives, shared by the API and the pages."""
