"""One function per API operation: parse the request, call the state layer, render the answer.

A handler never imports another handler, and never writes to the store itself.
"""
