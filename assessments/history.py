"""Registrations of assessments with core's history registry (and cadres.demo for demo)."""
