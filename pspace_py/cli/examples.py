"""Every command's examples, in one table: the "Examples" section of its ``--help``.

Keyed by the command's path below ``pspace`` ("" is ``pspace`` itself, "machine create"
is ``pspace machine create``). Each example is a comment and one command line, written
as a user would type it. tests/cli/test_examples.py checks that every command has at
least one, that each line parses against the real command tree and names the command
it is listed under, and runs a representative set of them against the sandbox.

To add a command, add its entry here (its help shows it, and docs/cli.md after
``python scripts/generate.py``). The names below are used throughout, so examples read
as one story: machine ``train``, snapshot ``before-upgrade``, network ``lab``, custom
template ``train-image``, startup script ``setup``, shared drive ``datasets``,
autoscaling group ``workers``, team member ``ada@example.com``.
"""

from __future__ import annotations

Example = tuple[str, str]

_CREATE = (
    "pspace machine create -n train --machine-type A4000 --template-id t17d1a6i "
    "--region NY2 --disk-size 100"
)

EXAMPLES: dict[str, tuple[Example, ...]] = {
    "": (
        ("Try it with no account: the built-in sandbox", "pspace --sandbox machine list"),
        ("Store an API key, then see who it belongs to", "pspace login"),
        ("Every machine, as JSON for scripts", "pspace machine list --all --json"),
    ),
    "version": (("Print the version", "pspace version"),),
    "help": (
        ("A command's options and examples (the same as --help)", "pspace help machine create"),
        ("Every command, one a line", "pspace help commands"),
    ),
    "login": (
        ("Paste a key at a hidden prompt (it is checked, then stored)", "pspace login"),
        ("In CI: read the key from a file or secret", "pspace login --with-key-stdin < key.txt"),
        ("A second profile for another team", "pspace --profile work login"),
    ),
    "logout": (
        ("Forget the default profile's key", "pspace logout"),
        ("Forget every stored key", "pspace logout --all"),
    ),
    "whoami": (
        ("Which team and user the key in use belongs to", "pspace whoami"),
        ("The same for a script", "pspace whoami --json"),
    ),
    "machine": (
        ("What is there, and what each machine costs", "pspace machine list"),
        ("Start a machine and wait until it is ready", "pspace machine start train --wait"),
    ),
    "machine create": (
        ("See the price and every check, create nothing", f"{_CREATE} --dry-run"),
        ("Create it, and wait until it is ready", f"{_CREATE} --yes --wait"),
        ("Ask for each missing option, as the console does", "pspace machine create"),
    ),
    "machine list": (
        ("Machines that are running", "pspace machine list --state ready"),
        ("Every page, only the ID and the public IP", "pspace machine list --all -F id,publicIp"),
        ("IDs only, for a script", "pspace machine list --name-glob 'train-*' -q"),
    ),
    "machine get": (
        ("One machine by name (or ID)", "pspace machine get train"),
        ("Its public IP, for a script", "pspace machine get train -F publicIp --json"),
    ),
    "machine events": (("What happened to a machine lately", "pspace machine events train"),),
    "machine types": (
        ("GPU types in New York, with prices", "pspace machine types --gpu --region NY2"),
        ("Types at most $1 an hour", "pspace machine types --max-price 1"),
    ),
    "machine start": (
        ("Start a machine and wait until it is ready", "pspace machine start train --wait"),
        (
            "Start every machine whose name starts with train-",
            "pspace machine start --all --name-glob 'train-*' --yes",
        ),
    ),
    "machine stop": (
        ("Stop a machine and wait until it is off", "pspace machine stop train --wait"),
        (
            "Stop everything that is running in AMS1",
            "pspace machine stop --all --region AMS1 --yes",
        ),
    ),
    "machine restart": (
        ("Restart a machine and wait for it", "pspace machine restart train --wait"),
    ),
    "machine deactivate": (
        (
            "Delete a machine for good (asks you to type its name)",
            "pspace machine deactivate train",
        ),
        ("Stop it first, without asking", "pspace machine deactivate train --stop --yes --wait"),
    ),
    "machine delete": (("The same as deactivate", "pspace machine delete train --yes"),),
    "machine resize": (
        (
            "A bigger GPU: stop, resize, start again",
            "pspace machine resize train --machine-type A6000 --stop --restart",
        ),
        (
            "Grow the disk of a machine that is off",
            "pspace machine resize train --disk-size 250 --yes",
        ),
    ),
    "machine update": (
        ("Rename a machine", "pspace machine update train -n train-old"),
        (
            "Shut it down after 2 idle hours",
            "pspace machine update train --auto-shutdown-enabled --auto-shutdown-timeout 2",
        ),
    ),
    "machine ssh": (
        ("Log in to a machine", "pspace machine ssh train"),
        (
            "Forward a port; what follows -- goes to ssh",
            "pspace machine ssh train -- -L 8888:localhost:8888",
        ),
    ),
    "machine wait": (
        ("Wait until a machine is ready", "pspace machine wait train --state ready"),
        (
            "Wait at most 10 minutes for off or gone",
            "pspace machine wait train -s off -s gone --timeout 600",
        ),
    ),
    "machine access": (("Who may use a machine", "pspace machine access list train"),),
    "machine access list": (("Who may use a machine", "pspace machine access list train"),),
    "machine access add": (
        ("Give a team member access", "pspace machine access add train ada@example.com"),
    ),
    "machine access remove": (
        ("Take it away again", "pspace machine access remove train ada@example.com --yes"),
    ),
    "machine-event": (("The latest events of all machines", "pspace machine-event list"),),
    "machine-event list": (
        ("The latest events of all machines", "pspace machine-event list"),
        ("One machine's events that failed", "pspace machine-event list -m train --state error"),
    ),
    "machine-event get": (("One event, by its ID", "pspace machine-event get esv5c3jsq2"),),
    "snapshot": (
        (
            "Snapshot a machine's disk and wait for it",
            "pspace snapshot create -m train -n before-upgrade --wait",
        ),
    ),
    "snapshot list": (
        ("Every snapshot, newest first", "pspace snapshot list --all"),
        ("One machine's snapshots", "pspace snapshot list -m train"),
    ),
    "snapshot get": (("One snapshot by name (or ID)", "pspace snapshot get before-upgrade"),),
    "snapshot create": (
        (
            "Snapshot a machine's disk and wait for it",
            "pspace snapshot create -m train -n before-upgrade --wait",
        ),
    ),
    "snapshot update": (
        ("Rename a snapshot", "pspace snapshot update before-upgrade -n known-good"),
    ),
    "snapshot delete": (
        ("Delete a snapshot without asking", "pspace snapshot delete before-upgrade --yes"),
    ),
    "snapshot restore": (
        (
            "Put the disk back (asks first; later changes are lost)",
            "pspace snapshot restore before-upgrade",
        ),
        (
            "Keep today's disk as a snapshot first",
            "pspace snapshot restore before-upgrade --create-snapshot --yes --wait",
        ),
    ),
    "network": (("Private networks and their address ranges", "pspace network list"),),
    "network list": (("Private networks in one region", "pspace network list --region NY2"),),
    "network get": (("One network by name (or ID)", "pspace network get lab"),),
    "network create": (
        ("A private network for machines in New York", "pspace network create -n lab --region NY2"),
    ),
    "network update": (("Rename a network", "pspace network update lab -n lab-ny"),),
    "network delete": (
        ("Delete a network with no machines on it", "pspace network delete lab --yes"),
    ),
    "ip": (("Claim a static IP and give it to a machine", "pspace ip claim --region NY2"),),
    "ip list": (
        ("The team's public IPs", "pspace ip list"),
        ("Only the addresses, for a script", "pspace ip list -q"),
    ),
    "ip claim": (
        ("Claim a static IP; -q prints just the address", "pspace ip claim --region NY2 -q"),
    ),
    "ip assign": (
        ("Give an IP to a machine in its region", "pspace ip assign 203.0.113.7 -m train"),
    ),
    "ip unassign": (
        ("Take an IP off its machine (the team keeps it)", "pspace ip unassign 203.0.113.7 --yes"),
    ),
    "ip release": (("Give an IP back to Paperspace", "pspace ip release 203.0.113.7 --yes"),),
    "os-template": (("The images machines are made from", "pspace os-template list"),),
    "os-template list": (
        ("The images machines are made from", "pspace os-template list"),
        ("Only those that run on an A4000", "pspace os-template list --machine-type A4000"),
    ),
    "custom-template": (("Your own images", "pspace custom-template list"),),
    "custom-template list": (
        ("Your own images", "pspace custom-template list"),
        ("Those made from one machine", "pspace custom-template list -m train"),
    ),
    "custom-template get": (
        ("One template by name (or ID)", "pspace custom-template get train-image"),
    ),
    "custom-template create": (
        (
            "An image of a machine's disk, to make more like it",
            "pspace custom-template create -m train -n train-image --wait",
        ),
    ),
    "custom-template update": (
        ("Rename a template", "pspace custom-template update train-image -n train-image-v1"),
    ),
    "custom-template delete": (
        ("Delete a template", "pspace custom-template delete train-image --yes"),
    ),
    "startup-script": (("What machines run when they boot", "pspace startup-script list"),),
    "startup-script list": (("Every startup script", "pspace startup-script list"),),
    "startup-script get": (("One script by name (or ID)", "pspace startup-script get setup"),),
    "startup-script create": (
        (
            "A script from a file, run on every boot",
            "pspace startup-script create -n setup --file setup.sh",
        ),
        (
            "A one-liner, run on the first boot only",
            "pspace startup-script create -n hello --script 'echo hello' --run-once",
        ),
    ),
    "startup-script update": (
        ("Turn a script off everywhere", "pspace startup-script update setup --no-enabled"),
    ),
    "startup-script delete": (("Delete a script", "pspace startup-script delete setup --yes"),),
    "startup-script assign": (
        ("Run a script when a machine boots", "pspace startup-script assign setup -m train"),
    ),
    "startup-script unassign": (
        ("Stop running it there", "pspace startup-script unassign setup -m train --yes"),
    ),
    "shared-drive": (("Storage the machines of a network share", "pspace shared-drive list"),),
    "shared-drive list": (
        ("Shared drives in one region", "pspace shared-drive list --region NY2"),
    ),
    "shared-drive get": (
        ("A drive, with its share's credentials", "pspace shared-drive get datasets"),
    ),
    "shared-drive create": (
        (
            "A 500 GB drive on a private network",
            "pspace shared-drive create -n datasets --size 500 --network lab",
        ),
    ),
    "shared-drive update": (
        ("Rename a drive", "pspace shared-drive update datasets -n datasets-v2"),
    ),
    "shared-drive delete": (
        (
            "Delete a drive and its files (asks you to type its name)",
            "pspace shared-drive delete datasets",
        ),
    ),
    "autoscaling-group": (("A cluster's autoscaling groups", "pspace autoscaling-group list"),),
    "autoscaling-group list": (
        ("One cluster's groups", "pspace autoscaling-group list --cluster-id clu4x8q2e"),
    ),
    "autoscaling-group get": (
        ("One group by name (or ID)", "pspace autoscaling-group get workers"),
    ),
    "autoscaling-group create": (
        (
            "Between 1 and 4 C5 machines on a network",
            "pspace autoscaling-group create -n workers --cluster-id clu4x8q2e --machine-type C5 "
            "--network-id lab --template-id t0nspur5 --min 1 --max 4",
        ),
    ),
    "autoscaling-group update": (
        ("Allow up to 8 machines", "pspace autoscaling-group update workers --max 8"),
    ),
    "autoscaling-group delete": (
        ("Delete a group", "pspace autoscaling-group delete workers --yes"),
    ),
    "cost": (
        ("What every machine and IP costs, and the totals", "pspace cost"),
        ("Only what is running now", "pspace cost --running"),
    ),
    "config": (("Every profile and its settings", "pspace config list"),),
    "config list": (("Every profile and its settings", "pspace config list"),),
    "config get": (("One setting of the default profile", "pspace config get team"),),
    "config set": (
        ("More retries for a flaky network", "pspace config set retries 5"),
        ("Make a profile use the sandbox", "pspace --profile play config set api_url sandbox"),
    ),
    "config unset": (("Go back to Paperspace's API URL", "pspace config unset api_url"),),
    "config use": (("Make a profile the default", "pspace config use work"),),
    "config path": (("Where the config file is", "pspace config path"),),
    "sandbox": (("Serve the sandbox API for other tools", "pspace sandbox serve"),),
    "sandbox serve": (
        ("Serve it; the first line is PAPERSPACE_API_URL=...", "pspace sandbox serve"),
        (
            "On a fixed port, keeping state in a file",
            "pspace sandbox serve --port 8800 --state sandbox.sqlite3",
        ),
    ),
    "sandbox add-user": (
        (
            "A team member to give machine access to",
            "pspace --sandbox sandbox add-user ada@example.com --first-name Ada",
        ),
    ),
    "sandbox reset": (("Start the --sandbox state afresh", "pspace sandbox reset"),),
    "completion": (
        ("Completion in this bash session", "pspace completion bash > ~/.pspace-completion.bash"),
        (
            "Install it for zsh (a directory on $fpath)",
            'pspace completion zsh > "${fpath[1]}/_pspace"',
        ),
        ("Install it for fish", "pspace completion fish > ~/.config/fish/completions/pspace.fish"),
    ),
    "upgrade": (
        ("How to upgrade this installation", "pspace upgrade"),
        ("Upgrade it now", "pspace upgrade --run"),
    ),
    "docs": (
        ("Open Paperspace's documentation", "pspace docs"),
        ("Only print the machines page's URL", "pspace docs machines --no-open"),
    ),
    "console": (("Open the Paperspace console", "pspace console"),),
    "user": (("Your team's members", "pspace user list"),),
    "user list": (("Your team's admins", "pspace user list --role admin"),),
    "user update": (("Make a member an admin", "pspace user update ada@example.com --admin"),),
    "user remove": (("Remove a member from the team", "pspace user remove ada@example.com --yes"),),
}


def examples_for(key: str) -> tuple[Example, ...]:
    """The examples of the command at ``key`` (its path below ``pspace``)."""
    group, _, last = key.rpartition(" ")
    if last == "help" and group and key not in EXAMPLES:
        return _group_help_examples(group)
    return EXAMPLES.get(key, ())


def _group_help_examples(group: str) -> tuple[Example, ...]:
    """Every group's own ``help`` (command_classes.py): its first command's help, the list."""
    children = (k.removeprefix(f"{group} ") for k in EXAMPLES if k.startswith(f"{group} "))
    first = next((name for name in children if " " not in name), None)
    shown = (f"The help of '{group} {first}'", f"pspace {group} help {first}") if first else None
    listing = (f"Every {group} command, one a line", f"pspace {group} help commands")
    return (shown, listing) if shown else (listing,)
