"""The web layer every route shares: errors, input guard, headers, limits, log."""
