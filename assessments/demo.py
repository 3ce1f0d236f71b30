"""Registrations of assessments with core's demo registry (and cadres.demo for demo)."""
