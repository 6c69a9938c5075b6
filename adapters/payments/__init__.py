"""Payment gateway adapters: JunglePay over HTTP, and the embedded sandbox."""
