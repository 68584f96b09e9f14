TIMELINE_SEARCH.parts["people"]=["E"];
