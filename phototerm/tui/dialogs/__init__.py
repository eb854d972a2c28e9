"""Modal dialogs: each a ModalScreen[T] that dismisses with its answer (None = cancelled)."""
