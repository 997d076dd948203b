"""One function per API operation: parse the request, read or change state, return JSON."""
