"""Management commands of the enquiries app."""
