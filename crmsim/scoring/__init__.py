"""Non-technical-skill scoring from event-log records."""
