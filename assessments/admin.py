"""The admin of assessments: grades are read here and written through the services (the same
rules as every other path)."""
