"""Legacy: importing the old Orange County Lettings site's SQLite database into the Wagtail site."""
