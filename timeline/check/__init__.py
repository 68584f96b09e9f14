"""The second stage, check and verify: one entry file against the sources.

`check.EntryChecker` verifies every quote and passage (`verify`), renders
the body (`markup`), checks the media by their bytes (`media`) and hands
back a `check.Checked`. It reads what the read stage made and nothing of
the later stages."""
