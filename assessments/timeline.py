"""Registrations of assessments with core's timeline registry (and cadres.demo for demo)."""
