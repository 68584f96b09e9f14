"""The authoring commands of build.py (CONTRACT.md section 6): `init`,
`new` and `import`. Each reads what it is given, plans every file it
would write, and writes them (files.write_planned) only when there is no
error: a command never leaves a half-written file, nor replaces one
without --force."""
