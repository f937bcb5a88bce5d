"""Words: one catalogue for every page, message and export, in vi and en."""
