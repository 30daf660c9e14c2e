"""Reporting: what the shop learns. Dashboard numbers (metrics/, kept in rollups on write),
the CSV export, and what the read API answers."""
