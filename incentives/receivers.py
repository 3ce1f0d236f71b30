"""Registrations of incentives: receivers."""
