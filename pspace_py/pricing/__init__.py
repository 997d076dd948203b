"""Price maths on top of the catalog, one module per question a command asks.

``create`` (what a new machine will cost), ``resize`` (what a resize changes), ``rates`` (what
an existing machine costs), ``spend`` (what the account costs now); ``money`` holds the sums
they share. Text is not made here: ``output.money`` formats, ``cli.prices`` lays it out.

All money is ``Decimal``. A price that cannot be determined is ``None`` ("price unknown"),
never ``0`` and never an exception.

Billing model (the console's, see docs/catalog.md):

- compute (the machine type's hourly rate) accrues while the machine is not ``off``;
- a public IP costs the one catalog IP price: a dynamic IP only while the machine runs, a static
  IP from claim to release (the create summary, like the console, lists it with the running part);
- the disk accrues for the machine's whole lifetime, up to its monthly cap;
- capped items stop accruing at their monthly cap within a billing cycle.

``to_json()`` of every summary gives camelCase keys with money as JSON numbers (``float`` made
from the decimal's string, so ``0.0845`` prints as ``0.0845``) and ``null`` for unknown prices.
"""
