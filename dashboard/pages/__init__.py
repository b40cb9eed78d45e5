"""Dashboard pages: each module builds one page from query results."""
