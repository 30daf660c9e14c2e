"""Cases: a negative answer handled until it is closed. Raising alerts, the case actions and
their guard, the inbox, presence, escalation and surges, coupons, the customer's history."""
