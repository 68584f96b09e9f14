TIMELINE_SEARCH.parts["tags"]=["C"];
