"""doca's version: the gateway reports it (doca.v1 Version, info) and the CLI
shows it as the client's (`doca version`, `doca -v`)."""

VERSION = "0.1.0"
