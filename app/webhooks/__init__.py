"""Signed webhooks: subscriptions, an outbox of deliveries written with each change, and the
worker that sends them."""
