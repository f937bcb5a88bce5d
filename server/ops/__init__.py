"""Operating a box: the CLI, serving, backup, health, upgrade, the demo."""
