"""Every non-trivial read of assessments, scoped to the user, one module per mechanism."""
