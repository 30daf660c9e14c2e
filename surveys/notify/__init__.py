"""Notifications: what an event sends to whom, rendered and delivered by the outbox worker."""
