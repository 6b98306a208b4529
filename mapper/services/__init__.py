"""Use cases as plain functions over a Session. No Flask here."""
