"""Everything Textual: the app, screens, dialogs and widgets (phototerm.library never imports it)."""
