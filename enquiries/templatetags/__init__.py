"""Template tags of the enquiries app."""
