"""Registrations of incentives: history."""
