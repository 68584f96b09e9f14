"""The third stage, model: every checked entry into one `timeline.Timeline`.

`assemble.load_timeline` runs the read and check stages over the project
(with the engine and memory the project hands it) and makes the timeline:
entries in order, the marks on each source, the tag, person and track
groups, who cites what."""
