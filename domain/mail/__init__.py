"""Mail: messages kept in the transactional outbox, their pt-BR templates, delivery."""
