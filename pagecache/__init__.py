"""Full-page cache for anonymous visitors, invalidated by a generation number on every content change."""
