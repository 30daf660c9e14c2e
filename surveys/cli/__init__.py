"""The command line: `flask --app wsgi <group> <command>`, one module per group of commands."""

from flask import Flask


def register_commands(app: Flask) -> None:
    """Attach the commands to `flask --app wsgi`."""
    from surveys.cli.backup import backup_command
    from surveys.cli.channels import api_keys, posters, receipts
    from surveys.cli.demo import demo_command
    from surveys.cli.digests import digests
    from surveys.cli.metrics import metrics
    from surveys.cli.notify import outbox, webhooks
    from surveys.cli.people import users
    from surveys.cli.places import devices, locations
    from surveys.cli.privacy import privacy

    commands = (demo_command, locations, devices, users, outbox, webhooks, receipts, api_keys)
    for command in (*commands, posters, digests, metrics, privacy, backup_command):
        app.cli.add_command(command)
