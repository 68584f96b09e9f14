"""The first stage, read: the project's folders into plain data.

`settings.load_settings`, `sources.load_sources`, `i18n.load_language` and
`entries.read_entry` turn the YAML and Markdown files into `Settings`,
`Source`s, the site's `Language` and one `entry.Entry` per file (not yet
verified), declared field by field with `schema.key`. Nothing here knows
a later stage."""
