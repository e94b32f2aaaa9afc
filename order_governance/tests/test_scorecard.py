"""Scorecards: targets, scores, closing, access (issue 28)."""
