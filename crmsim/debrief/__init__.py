"""The debrief model and its renderers."""
