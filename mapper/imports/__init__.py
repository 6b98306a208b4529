"""Bulk imports: stream the file, COPY into a staging table, merge with set-based SQL."""
