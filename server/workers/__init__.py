"""Background loops: the print queue, citizens' messages, one backoff rule."""
