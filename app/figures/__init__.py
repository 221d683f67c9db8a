"""Figures kept as rollups: counts and close-time histograms per period and area level."""
