"""Vetting provider adapters and credential encryption: shared code, no tables (the checks
themselves live in each group's schema, in tenants.vetting)."""
