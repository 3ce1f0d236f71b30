"""Demo data of incentives (cadres.demo.register)."""
