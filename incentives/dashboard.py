"""Registrations of incentives: dashboard."""
