"""Privacy: a customer's personal data kept no longer than promised. Forgetting a customer,
erasure on request, and the retention purge."""
