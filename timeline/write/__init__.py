"""The last stage, write: the jobs into the site folder, swapped in whole
(`output.write_site`)."""
