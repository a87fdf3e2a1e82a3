# Fixtures live in core/testing/plugin.py (loaded by pytest's addopts) so other suites share them.
