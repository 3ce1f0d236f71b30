"""Registrations of assessments with core's jobs registry (and cadres.demo for demo)."""
