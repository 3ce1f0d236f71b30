"""Registrations of assessments with core's dashboard registry (and cadres.demo for demo)."""
