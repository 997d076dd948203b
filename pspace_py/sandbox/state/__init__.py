"""The sandbox's state layer: what each operation does to the stored resources.

Handlers parse a request, call one function here and render what it returns; the admin routes
call in here too. One module per resource owns that resource's rules, including what it does
to other resources (a machine's delete frees its addresses, drops its snapshots, unassigns its
startup scripts). Shared pieces: `tx` (one transaction of one team at one moment), `kinds` (the
stored kinds), `transitions` (which machine action may start from which state), `lists`
(list filters and pages), `events`, `account`, `addresses` (address pools and leases).
Request bodies arrive parsed (`models`); what the answer looks like is `render`'s business and
HTTP is `wire`'s: nothing here imports either. Every function takes a `Tx` first.
"""
