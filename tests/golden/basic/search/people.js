TIMELINE_SEARCH.parts["people"]=["CE","H","D"];
