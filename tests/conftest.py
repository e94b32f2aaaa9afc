"""Project-level tests: the commands of scripts/dev.py, the install cycle."""
