"""Resilience suite: load, faults and recovery against real processes."""
