"""Management commands of the legacy app."""
