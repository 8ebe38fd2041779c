"""Benchmarks: seed lettings at several sizes and measure the site under load with wrk."""
