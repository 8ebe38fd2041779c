"""Template tags of the lettings app."""
