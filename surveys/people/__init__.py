"""People: who signs in to the admin. Access rules, accounts and passwords, sign-in sessions,
managing users, and the append-only audit trail."""
