"""Resilience suite (issue 8): load, faults and recovery against real processes."""
