"""Vetting providers: one adapter per provider behind `base.Provider`; find them by name in
`core.vetting.registry`."""
