"""Orange County Lettings: the Wagtail project package (settings, URLs, WSGI, project templates)."""
