"""What of a build context a build sees: .dockerignore patterns (Go's
filepath.Match plus "**", as Docker reads them) and the walk of the context
directory. Shared by the CLI, which sends only those files, and the images
service, which checks what a COPY or ADD may read."""
