"""Pure rules: no database, no clock of their own; the engine applies them."""
