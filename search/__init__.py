"""Search: the public search page over lettings and profiles (``/search/?q=``)."""
