"""The page cache's commands: ``clear_page_cache``."""
