"""Expense allowances: monthly statements from approved hours, the yearly cap, corrections and
the payout files."""
