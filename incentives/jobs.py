"""Registrations of incentives: jobs."""
