"""Every check a machine request must pass before a price is shown, a question asked or a
request sent: ``results`` (what a check found), ``rules`` (the checks themselves, on the catalog
and on facts the API gave). Gathering those facts is the CLI's part (``cli/machine/checks.py``),
so the rules stay pure and the same for create, ``--dry-run``, resize and update."""
