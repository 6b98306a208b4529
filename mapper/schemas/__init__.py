"""The input layer: what a request body, a query string, a page form or an imported row may
hold, checked once, with French field-level reasons.

The API views load these schemas (flask-smorest also documents them in the OpenAPI document),
the pages turn their French form fields into the same bodies and load them here, and the CSV
imports load each row here. Schemas know no database: that a profession or a commune exists is
the services' business. Nothing here imports the services.
"""
