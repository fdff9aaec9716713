"""Plain rules about plans: no Qt, no database."""
