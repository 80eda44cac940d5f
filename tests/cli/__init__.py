"""The commands: output at 80 columns, one-line errors, exit codes, hostile input."""
