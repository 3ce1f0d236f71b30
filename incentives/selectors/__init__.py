"""Every non-trivial read of incentives, scoped to the user, one module per mechanism."""
