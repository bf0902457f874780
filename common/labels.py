"""Labels doca sets on what it makes, read by more than one program."""

# A build's RUN container (its value: the build's id). The images service
# makes and cleans these itself; the gateway's reconciliation leaves them be.
BUILD = "io.doca.build"
