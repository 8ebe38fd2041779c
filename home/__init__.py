"""Home: the home page, the site tree and groups set-up, and the demo data command."""
