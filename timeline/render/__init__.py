"""The fourth stage, render: the timeline into one job per output file.

`render.plan_site` plans the pages (`views` shapes what each shows, in the
site's language) and the files of one piece per entry (`pieces`,
`exports`); each job carries the key of what it was made from (`keys`)."""
