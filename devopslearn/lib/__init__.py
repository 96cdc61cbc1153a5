"""Shared helpers of the project: no models, nothing that imports an app."""
