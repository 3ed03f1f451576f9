"""Glue between Flask and the blueprints: the transaction helper, shared form pieces, navigation,
template filters, security headers and URL converters."""
