"""The `doca` CLI: its argument readers, output formats, the HTTP/2 transport and
the fork server."""
