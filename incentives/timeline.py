"""Registrations of incentives: timeline."""
