"""`doca compose`: compose files carried out by the CLI itself, over the
same doca.v1 calls as its other verbs. loader.py (files, project name,
.env, interpolate.py, schema.py), model.py (the canonical services,
networks, volumes), labels.py (Docker Compose's labels), engine.py (a
service as `doca create`'s command line; networks, volumes, the project's
containers), verbs.py (the handlers), logs.py (prefixed, followed logs).
Nothing here is imported on another verb's path; PyYAML only here."""
