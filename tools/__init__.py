"""`tensorlite.tools`: the `tensorlite` command line (`cli.py`), the main-job pipeline and the
benchmark scripts."""
