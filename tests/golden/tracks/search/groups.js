TIMELINE_SEARCH.parts["groups"]=["C","DBB"];
