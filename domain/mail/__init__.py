"""Mail: which mail to send (compose), messages kept in the transactional outbox,
delivery. The wording lives in templates rendered by an adapter (adapters/mail/templates)."""
