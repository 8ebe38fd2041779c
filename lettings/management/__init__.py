"""Management commands of the lettings app."""
