"""Registrations of notices: jobs (the batch publication, services.batch)."""
