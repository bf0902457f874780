"""Volumes: named and anonymous, populated from the image, through a stack."""
