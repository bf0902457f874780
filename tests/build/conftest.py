"""`doca build`: Dockerfiles built through a stack, the layer cache, build
errors, FROM pulled from a registry."""
