"""Operating norms: publication, acknowledgement, routing (issue 28)."""
