"""Analyses over the network projection: chokepoints, gaps, paths and what-if; each returns rows."""
